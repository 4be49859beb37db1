import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js';
import { utf8 } from './bytes.js';

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
      attachments: [{ kind: 'image', url: 'https://upload.example/a', mime: 'image/png', size: 12, key: 'a2V5', digest: 'ZGln', name: 'a.png', width: 2, height: 3 }],
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
    expect(() => decodeEnvelope(bad({ v: 1, sentAt: 1, attachments: [{ kind: 'image', url: 'file:///etc/passwd' }] }))).toThrow('attachment.url');
    expect(() => decodeEnvelope(bad([1]))).toThrow('not an object');
    expect(() => decodeEnvelope(utf8('{"v":1,"sentAt":1}'))).toThrow('padding');
  });
});
