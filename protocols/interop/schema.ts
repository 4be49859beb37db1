// Field checks for what peers send (the envelope and its attachment pointers): each returns the
// value with its type, or throws an Error naming the field, so a refusal says what was wrong.
import { fromB64 } from './bytes.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(field: string): never {
  throw new Error(`envelope: ${field}`);
}

export function rec(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) fail(field);
  return value;
}

export function str(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) fail(field);
  return value;
}

/** A finite number ≥ 0 (timestamps). */
export function num(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field);
  return value;
}

/** A whole number in [0, max] (sizes, dimensions, durations, samples). */
export function int(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) fail(field);
  return value;
}

/** Canonical base64 of `min`..`max` bytes; returns the text as received. */
export function b64(value: unknown, field: string, min: number, max: number): string {
  // Base64 text is 4/3 of its bytes: anything longer cannot be in range, so it is not decoded at all.
  const text = str(value, field, Math.ceil(max / 3) * 4);
  let length: number;
  try {
    length = fromB64(text).length;
  } catch {
    fail(field);
  }
  if (length < min || length > max) fail(field);
  return text;
}
