// Base64 for keys and ciphertexts in XML and in the string-only AdapterState. libsignal wants
// Uint8Array<ArrayBuffer>; a Node Buffer may sit on a shared pool, so it is copied out.

export function toB64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict: throws on anything that is not canonical base64, so a mangled key never half-decodes. */
export function fromB64(text: string): Uint8Array<ArrayBuffer> {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) throw new Error('not base64');
  return new Uint8Array(Buffer.from(trimmed, 'base64'));
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
