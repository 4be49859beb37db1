// The name a received file is saved under. The sender chose it, so it may try to climb out of the
// chosen folder (`../../evil.sh`), hide itself (`.bashrc`), disguise its type with control or
// bidi characters (`cod\u202Egnp.exe`), or take a name Windows reserves for a device (`CON.txt`).
// What comes out is a single harmless path component, at most MAX_BYTES long, never empty.

/** Room for " (99)" and more before the 255-byte limit most file systems have. */
export const MAX_BYTES = 200;
export const FALLBACK = 'file';

// C0/C1 controls, and the format characters that reorder or hide text (bidi overrides and
// isolates, marks, zero-width spaces, BOM): a name must read the way it will be stored.
const INVISIBLE = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u061C]/gu;

/** `s` without control characters and the invisible/bidi ones above: it reads as it is stored. */
export function withoutInvisible(s: string): string {
  return s.replace(INVISIBLE, '');
}

// Reserved in names on Windows (and `/` everywhere): each becomes '_'.
const RESERVED_CHARS = /[<>:"|?*]/g;
// Device names Windows will not create a file under, with or without an extension.
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const LONGEST_EXTENSION_BYTES = 32;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The last part of a path, whichever separator the sender's system used. */
function lastComponent(name: string): string {
  const parts = name.split(/[/\\]+/).filter((p) => p !== '');
  return parts.at(-1) ?? '';
}

/** Splits off a plausible extension (".pdf"), so cutting a long name keeps the file's type. */
function splitExtension(name: string): [stem: string, ext: string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [name, ''];
  const ext = name.slice(dot);
  if (bytes(ext) > LONGEST_EXTENSION_BYTES || /\s/.test(ext)) return [name, ''];
  return [name.slice(0, dot), ext];
}

/** Cuts `s` to at most `max` UTF-8 bytes on a code point boundary. */
function cutToBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = bytes(ch);
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

function trimDotsAndSpaces(s: string): string {
  return s.replace(/^[.\s]+/u, '').replace(/[.\s]+$/u, '');
}

/** A safe file name for the sender's `name`: see the top of this file. */
export function sanitizeFileName(name: string): string {
  let s = lastComponent(withoutInvisible(name.normalize('NFC')));
  s = trimDotsAndSpaces(s.replace(RESERVED_CHARS, '_'));
  // Windows reserves the device name whatever follows its first dot ("NUL.tar.gz"), and ignores
  // spaces before that dot ("CON .txt" is the console too).
  if (RESERVED_NAMES.test((s.split('.')[0] ?? '').trimEnd())) s = `_${s}`;
  const [whole, ext] = splitExtension(s);
  let stem = whole;
  if (bytes(stem) + bytes(ext) > MAX_BYTES) {
    stem = trimDotsAndSpaces(cutToBytes(stem, Math.max(1, MAX_BYTES - bytes(ext))));
    if (stem === '') return cutToBytes(trimDotsAndSpaces(`${FALLBACK}${ext}`), MAX_BYTES);
  }
  s = `${stem}${ext}`;
  return s === '' ? FALLBACK : s;
}

/** "name (n).ext": the n-th alternative when `name` is taken, keeping the extension. */
export function numberedName(name: string, n: number): string {
  const [stem, ext] = splitExtension(name);
  return `${stem} (${n})${ext}`;
}
