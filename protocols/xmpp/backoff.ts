// Capped exponential backoff with full jitter: a fleet of clients that lost the same server does not
// come back in lockstep (see the AWS Architecture Blog, "Exponential Backoff And Jitter").

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/** Delay before retry number `attempt` (1 for the first retry): uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
