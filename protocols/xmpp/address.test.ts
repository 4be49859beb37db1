import { describe, expect, it } from 'vitest';
import { normalizeAddress } from './address.js';
import { backoffDelay } from './backoff.js';

describe('normalizeAddress', () => {
  it('gives the lower-case bare JID', () => {
    expect(normalizeAddress(' Alice@Example.ORG/Phone ')).toBe('alice@example.org');
  });
  it.each([
    ['', /empty/],
    ['@example.org', /nothing before the @/],
    ['alice@', /no server/],
    ['a@b@c', /more than one @/],
    ['al ice@example.org', /not allowed/],
    ['alice@exa mple.org', /not a valid server/],
  ])('rejects %j saying what is wrong', (input, message) => {
    expect(() => normalizeAddress(input)).toThrow(message);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const opts = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(1, opts, () => 0.999)).toBe(99);
    expect(backoffDelay(3, opts, () => 0.999)).toBe(399);
    expect(backoffDelay(10, opts, () => 0.999)).toBe(999);
    expect(backoffDelay(10, opts, () => 0)).toBe(0);
  });
});
