import { describe, expect, it } from 'vitest';
import { connectionText, dayLabel, initials } from './format';

describe('connection state in words', () => {
  it('names each state as the accounts list shows it', () => {
    expect(connectionText({ kind: 'connecting' }, 0).label).toBe('Connecting…');
    expect(connectionText({ kind: 'online' }, 0).label).toBe('Online');
    const retry = connectionText({ kind: 'reconnecting', attempt: 2, retryAt: 10_500, reason: 'Connection reset' }, 1000);
    expect(retry).toMatchObject({ label: 'Reconnecting in 10 s', detail: 'Connection reset' });
    expect(connectionText({ kind: 'offline', reason: 'wrong-password', detail: 'not-authorized' }, 0)).toMatchObject({
      label: 'Offline — Wrong password',
      detail: 'not-authorized',
    });
    expect(connectionText({ kind: 'offline', reason: 'host-unreachable', detail: '' }, 0).label).toBe('Offline — Host unreachable');
    expect(connectionText({ kind: 'offline', reason: 'tls-failure', detail: '' }, 0).label).toBe('Offline — TLS failure');
    expect(connectionText({ kind: 'offline', reason: 'protocol-error', detail: '' }, 0).label).toBe('Offline — Protocol error');
    expect(connectionText({ kind: 'offline', reason: 'stopped', detail: 'Stopped by you' }, 0).label).toBe('Offline');
  });
});

describe('dates and initials', () => {
  it('says Today and Yesterday', () => {
    const now = new Date(2026, 5, 15, 9).getTime();
    expect(dayLabel(new Date(2026, 5, 15, 1).getTime(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 5, 14, 23).getTime(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 5, 1).getTime(), now)).not.toMatch(/Today|Yesterday/);
  });

  it('takes letters only', () => {
    expect(initials('Bob Builder')).toBe('BB');
    expect(initials('Eve (WhatsApp)')).toBe('EW');
    expect(initials('carol@example.org')).toBe('C');
  });
});
