import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js';
import { utf8 } from './bytes.js';
import { CIPHER_SCHEME } from './attachment-cipher.js';
import { parsePointer, parseRef, pointerFor, remoteAttachmentOf, type AttachmentPointer } from './attachment-pointer.js';

const b64 = (n: number, fill = 1): string => Buffer.alloc(n, fill).toString('base64');
const POINTER: AttachmentPointer = {
  kind: 'image', url: 'https://upload.example/a', mime: 'image/png', size: 12, cipher: CIPHER_SCHEME, key: b64(32), digest: b64(32, 2),
};

/** JSON with the 0x80 padding marker, as a peer would send it. */
function padded(value: unknown): Uint8Array {
  const json = utf8(JSON.stringify(value));
  const out = new Uint8Array(json.length + 1);
  out.set(json);
  out[json.length] = 0x80;
  return out;
}

describe('envelope', () => {
  it('round-trips every field, padded to 160-byte blocks', () => {
    const envelope: Envelope = {
      v: 1, sentAt: 1700000000000, text: 'héllo \u{1F44B}', replyTo: 'm-0',
      attachments: [{ ...POINTER, name: 'a.png', width: 2, height: 3, thumbnail: 'AAEC' }, { ...POINTER, kind: 'voice', durationMs: 1500, waveform: [0, 128, 255] }],
      reaction: { target: 'm-1', emoji: '👍' }, edit: { target: 'm-2', text: 'fixed' }, delete: { target: 'm-3' },
      receipt: { status: 'read', targets: ['m-4'] }, typing: 'composing',
    };
    const bytes = encodeEnvelope(envelope);
    expect(bytes.length % 160).toBe(0);
    expect(decodeEnvelope(bytes)).toEqual(envelope);
  });

  it('keeps unknown fields from a newer peer and ignores them', () => {
    const newer = padded({ v: 2, sentAt: 1, text: 'hi', poll: { q: 'lunch?' } });
    const decoded = decodeEnvelope(newer);
    expect(decoded).toMatchObject({ v: 2, text: 'hi', unknown: { poll: { q: 'lunch?' } } });
    expect(decodeEnvelope(encodeEnvelope(decoded)).unknown).toEqual({ poll: { q: 'lunch?' } });
  });

  it('refuses what breaks the schema, naming the field', () => {
    const bad = padded;
    expect(() => decodeEnvelope(bad({ v: 1, sentAt: 1, text: 5 }))).toThrow('envelope: text');
    expect(() => decodeEnvelope(bad({ v: 1, sentAt: 1, receipt: { status: 'seen', targets: [] } }))).toThrow('receipt.status');
    expect(() => decodeEnvelope(bad({ v: 1, sentAt: 1, attachments: [{ ...POINTER, url: 'file:///etc/passwd' }] }))).toThrow('attachment.url');
    expect(() => decodeEnvelope(bad([1]))).toThrow('not an object');
    expect(() => decodeEnvelope(utf8('{"v":1,"sentAt":1}'))).toThrow('padding');
  });
});

describe('attachment pointer', () => {
  const refusal = (change: Record<string, unknown>): string => {
    try {
      parsePointer({ ...POINTER, ...change });
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('accepts a full pointer and drops fields it does not know', () => {
    const full = { ...POINTER, name: 'n', width: 1, height: 2, durationMs: 3, waveform: Array(64).fill(255), thumbnail: b64(16 * 1024), future: 1 };
    const { future: _future, ...known } = full;
    expect(parsePointer(full)).toEqual(known);
    expect(refusal({ size: 0, waveform: [], thumbnail: '' })).toBe('accepted');
    expect(refusal({ url: 'http://127.0.0.1:5280/file_share/x/y' })).toBe('accepted');
    expect(refusal({ size: 2 ** 31 }), 'the 2 GiB ceiling itself').toBe('accepted');
  });

  it.each([
    ['kind', { kind: 'sticker' }],
    ['url', { url: 'file:///etc/passwd' }],
    ['url', { url: 'javascript:alert(1)' }],
    ['url', { url: 'https://' }],
    ['url', { url: `https://a.example/${'x'.repeat(2048)}` }],
    ['mime', { mime: 7 }],
    ['size', { size: -1 }],
    ['size', { size: 1.5 }],
    ['size', { size: '12' }],
    ['size', { size: 2 ** 53 }],
    ['size', { size: 2 ** 31 + 1 }],
    ['size', { size: 2 ** 53 - 1 }],
    ['cipher', { cipher: 'aes-256-cbc-hmac-sha256' }],
    ['cipher', { cipher: undefined }],
    ['key', { key: b64(31) }],
    ['key', { key: b64(33) }],
    ['key', { key: b64(64) }],
    ['key', { key: 'not base64!' }],
    ['key', { key: b64(32).replace(/=*$/, '') }],
    ['digest', { digest: b64(16) }],
    ['digest', { digest: undefined }],
    ['name', { name: 'x'.repeat(256) }],
    ['width', { width: -3 }],
    ['height', { height: 0.5 }],
    ['durationMs', { durationMs: Infinity }],
    ['waveform', { waveform: Array(65).fill(0) }],
    ['waveform', { waveform: [256] }],
    ['waveform', { waveform: [-1] }],
    ['waveform', { waveform: [1.5] }],
    ['waveform', { waveform: '0,1' }],
    ['thumbnail', { thumbnail: b64(16 * 1024 + 1) }],
    ['thumbnail', { thumbnail: 'AAE' }],
  ])('refuses a bad %s: %j', (field, change) => {
    expect(refusal(change)).toBe(`envelope: attachment.${field}`);
  });

  it('refuses the whole envelope for one bad pointer', () => {
    expect(() => decodeEnvelope(padded({ v: 1, sentAt: 1, text: 'caption', attachments: [POINTER, { ...POINTER, cipher: 'rot13' }] }))).toThrow('attachment.cipher');
    expect(() => decodeEnvelope(padded({ v: 1, sentAt: 1, attachments: Array(33).fill(POINTER) }))).toThrow('envelope: attachments');
  });

  it('maps a received pointer to a RemoteAttachment whose ref opens the blob, and back', () => {
    const pointer = { ...POINTER, name: 'p.png', width: 4, height: 5 };
    const remote = remoteAttachmentOf(pointer);
    expect(remote).toEqual({ kind: 'image', mime: 'image/png', size: 12, name: 'p.png', width: 4, height: 5, ref: expect.any(String) });
    expect(JSON.parse(remote.ref)).toEqual({ url: POINTER.url, key: POINTER.key, digest: POINTER.digest });
    const ref = parseRef(remote.ref);
    expect([ref.url, ref.key.length, ref.digest.length]).toEqual([POINTER.url, 32, 32]);
    expect(pointerFor(remote)).toEqual(pointer);
    expect(remoteAttachmentOf(POINTER).name).toBe('');
  });

  it('refuses to send what a receiver would refuse, or what another network uploaded', () => {
    const remote = remoteAttachmentOf(POINTER);
    expect(() => pointerFor({ ...remote, thumbnail: b64(20_000) })).toThrow('attachment.thumbnail');
    expect(() => pointerFor({ ...remote, waveform: [300] })).toThrow('attachment.waveform');
    expect(() => pointerFor({ ...remote, ref: 'https://upload.example/plain.jpg' })).toThrow(/not uploaded by the interop adapter/);
    expect(() => parseRef('{"url":"https://a.example/x","key":"AA==","digest":"AA=="}')).toThrow('attachment.key');
    expect(() => parseRef('[]')).toThrow(/not an interop attachment reference/);
  });
});
