// A receipt can overtake the server's acknowledgement of the message it confirms: the receiver's
// "delivered" arrives while the outbox still waits for the ack, before the store knows the
// message's network id. Such receipts wait here, briefly and in bounded number, and are applied
// when the outbox records the message as sent.

type Status = 'delivered' | 'read';

const MAX_WAITING = 2_000;
const TTL_MS = 120_000;

export class EarlyReceipts {
  private readonly waiting = new Map<string, { status: Status; at: number }>();

  private key(accountId: string, networkId: string): string {
    return `${accountId}\u0000${networkId}`;
  }

  remember(accountId: string, networkIds: string[], status: Status, now: number): void {
    for (const networkId of networkIds) {
      const key = this.key(accountId, networkId);
      const known = this.waiting.get(key);
      if (known?.status === 'read') continue;
      this.waiting.delete(key);
      this.waiting.set(key, { status, at: now });
    }
    // Oldest first in a Map: drop from the front until within bounds.
    for (const [key, entry] of this.waiting) {
      if (this.waiting.size <= MAX_WAITING && now - entry.at < TTL_MS) break;
      this.waiting.delete(key);
    }
  }

  take(accountId: string, networkId: string, now: number): Status | undefined {
    const key = this.key(accountId, networkId);
    const entry = this.waiting.get(key);
    this.waiting.delete(key);
    return entry && now - entry.at < TTL_MS ? entry.status : undefined;
  }
}
