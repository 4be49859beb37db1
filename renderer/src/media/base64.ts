// Base64 without data: prefixes, for thumbnails.

/** In slices, since String.fromCharCode(...bytes) overflows the stack past ~100k arguments. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const SLICE = 0x8000;
  for (let i = 0; i < bytes.length; i += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  }
  return btoa(binary);
}
