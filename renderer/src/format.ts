// Words and times as the UI shows them.
import type { ConnectionState } from './api';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });

export function formatTime(ms: number): string {
  return timeFormat.format(ms);
}

export function formatDate(ms: number): string {
  return dateFormat.format(ms);
}

/** A key that is equal for two instants on the same local day. */
export function dayKey(ms: number): number {
  const d = new Date(ms);
  return d.getFullYear() * 10000 + d.getMonth() * 100 + d.getDate();
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "Today", "Yesterday", or the date. */
export function dayLabel(ms: number, now: number): string {
  const days = Math.round((startOfDay(now) - startOfDay(ms)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return formatDate(ms);
}

/** The chat list's short time: the time today, the weekday this week, else the date. */
export function shortWhen(ms: number, now: number): string {
  const days = Math.round((startOfDay(now) - startOfDay(ms)) / 86_400_000);
  if (days === 0) return formatTime(ms);
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(ms);
  return formatDate(ms);
}

const offlineReasons: Record<string, string> = {
  'wrong-password': 'Wrong password',
  'host-unreachable': 'Host unreachable',
  'tls-failure': 'TLS failure',
  'protocol-error': 'Protocol error',
};

export interface ConnectionText {
  /** The state in words, e.g. "Reconnecting in 4 s". */
  label: string;
  /** Why, when there is more to say. */
  detail: string | null;
  tone: 'ok' | 'busy' | 'bad';
}

export function connectionText(state: ConnectionState, now: number): ConnectionText {
  switch (state.kind) {
    case 'connecting':
      return { label: 'Connecting…', detail: null, tone: 'busy' };
    case 'online':
      return { label: 'Online', detail: null, tone: 'ok' };
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return { label: `Reconnecting in ${seconds} s`, detail: state.reason || null, tone: 'busy' };
    }
    case 'offline': {
      const reason = offlineReasons[state.reason];
      return { label: reason ? `Offline — ${reason}` : 'Offline', detail: state.detail || null, tone: 'bad' };
    }
  }
}

export function initials(title: string): string {
  const words = title
    .replace(/@.*$/, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0] ?? title];
  return letters
    .map((w) => Array.from(w ?? '')[0] ?? '')
    .join('')
    .toUpperCase();
}

/** A stable hue per chat, so avatars are told apart at a glance. */
export function avatarHue(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) % 360;
  return h;
}

/** A safety number's digits in groups of five, as both sides read them: "12345…" → ["12345", …]. */
export function digitGroups(digits: string): string[] {
  return digits.match(/\d{1,5}/g) ?? [];
}
