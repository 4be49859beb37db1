// File names as sent: never empty, at most 255 characters (the contract's cap), the extension
// matching what the bytes became.

export const MAX_NAME_LENGTH = 255;

function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  // A leading dot (".bashrc") is part of the name, not an extension.
  if (dot <= 0 || dot === name.length - 1) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/** "IMG_1.HEIC" + "jpg" → "IMG_1.jpg"; "scan" + "png" → "scan.png". */
export function withExtension(name: string, ext: string): string {
  return `${splitExtension(name).stem}.${ext}`;
}

/**
 * A name the core accepts: control characters and path separators become "_", blank becomes
 * `fallback`, and a long name is shortened keeping its extension. (The receiver sanitises again
 * when saving; this only keeps our own request valid and the tray readable.)
 */
export function cleanName(name: string, fallback = 'file'): string {
  let clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  if (clean === '') clean = fallback;
  const chars = Array.from(clean);
  if (chars.length <= MAX_NAME_LENGTH) return clean;
  const { stem, ext } = splitExtension(clean);
  const extChars = Array.from(ext);
  if (extChars.length >= 32) return chars.slice(0, MAX_NAME_LENGTH).join('');
  return Array.from(stem).slice(0, MAX_NAME_LENGTH - extChars.length).join('') + ext;
}

/** "Voice message 2026-01-10 14.03.07.webm", in local time: readable in a file list when saved. */
export function voiceMessageName(at: Date, ext: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}`;
  const time = `${p(at.getHours())}.${p(at.getMinutes())}.${p(at.getSeconds())}`;
  return `Voice message ${date} ${time}.${ext}`;
}

/** The extension a recorder's type calls for: "audio/webm;codecs=opus" → "webm", "audio/ogg" → "ogg". */
export function extensionForMime(mime: string): string {
  const sub = (mime.split(';')[0] ?? '').split('/')[1]?.trim().toLowerCase() ?? '';
  if (sub === 'mpeg') return 'mp3';
  if (sub === 'mp4' || sub === 'x-m4a') return 'm4a';
  return /^[a-z0-9]{1,8}$/.test(sub) ? sub : 'bin';
}
