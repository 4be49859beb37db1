// Interop chats: always in the interop inbox, always end-to-end encrypted to the recipient's devices.
import type { ChatInfo, SecuritySummary } from '../adapter.js';

export const INTEROP_SECURITY: SecuritySummary = {
  e2ee: true,
  protocol: 'Signal Protocol',
  endsAt: 'recipient-device',
  label: 'End-to-end encrypted · Signal Protocol',
};

export function interopChat(address: string): ChatInfo {
  return { address, title: address, kind: 'direct', inbox: 'interop', security: INTEROP_SECURITY };
}

export class InteropChats {
  private readonly known = new Set<string>();

  /** The chat's info the first time it is seen (to be emitted), else null. */
  upsert(address: string): ChatInfo | null {
    if (this.known.has(address)) return null;
    this.known.add(address);
    return interopChat(address);
  }
}
