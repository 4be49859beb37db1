import { describe, expect, it } from 'vitest';
import { EarlyReceipts } from './earlyReceipts';

describe('receipts that overtake the send acknowledgement', () => {
  it('are handed over once, for the right account, and never downgraded from read', () => {
    const early = new EarlyReceipts();
    early.remember('a', ['m1'], 'read', 0);
    early.remember('a', ['m1'], 'delivered', 1);
    expect(early.take('b', 'm1', 2)).toBeUndefined();
    expect(early.take('a', 'm1', 2)).toBe('read');
    expect(early.take('a', 'm1', 3)).toBeUndefined();
  });

  it('expire and stay bounded, so a flood of unknown ids cannot grow memory', () => {
    const early = new EarlyReceipts();
    early.remember('a', ['old'], 'delivered', 0);
    expect(early.take('a', 'old', 120_001)).toBeUndefined();
    early.remember('a', Array.from({ length: 5_000 }, (_, i) => `id${i}`), 'delivered', 10);
    expect(early.take('a', 'id0', 11)).toBeUndefined();
    expect(early.take('a', 'id4999', 11)).toBe('delivered');
  });
});
