// The PEP payloads (PROTOCOL.md §3): device list, bundle, chunks of one-time Kyber prekeys. Encoding is
// from the local public keys; decoding is from a peer and so checks every field before use.
import { KEMPublicKey, PreKeyBundle, PublicKey } from '@signalapp/libsignal-client';
import xml, { type Element } from '@xmpp/xml';
import { fromB64, toB64 } from './bytes.js';
import { NS_INTEROP } from './namespaces.js';
import type { KyberItem, PublicBundle } from './prekeys.js';

const MAX_DEVICES = 64;

export function devicesElement(ids: Iterable<number>): Element {
  return xml('devices', { xmlns: NS_INTEROP }, ...[...ids].map((id) => xml('device', { id: String(id) })));
}

export function parseDevices(payload: Element | undefined): number[] {
  if (!payload?.is('devices', NS_INTEROP)) return [];
  const ids = payload.getChildren('device').map((d) => deviceId(d.attrs.id)).filter((id): id is number => id !== null);
  return [...new Set(ids)].slice(0, MAX_DEVICES);
}

export function bundleElement(b: PublicBundle): Element {
  return xml('bundle', { xmlns: NS_INTEROP, 'registration-id': String(b.registrationId), 'device-id': String(b.deviceId) },
    xml('identity-key', {}, toB64(b.identityKey.serialize())),
    xml('signed-prekey', { id: String(b.signedPreKey.id), signature: toB64(b.signedPreKey.signature) }, toB64(b.signedPreKey.key.serialize())),
    xml('last-resort-kyber-prekey', { id: String(b.lastResort.id), signature: toB64(b.lastResort.signature) }, toB64(b.lastResort.key.serialize())),
    xml('prekeys', {}, ...b.preKeys.map((p) => xml('prekey', { id: String(p.id) }, toB64(p.key.serialize())))),
    xml('kyber-prekeys', {}, ...b.kyberIds.map((id) => xml('kyber-prekey', { id: String(id) }))),
  );
}

/**
 * One-time Kyber prekeys are 1.5 KB each: a bundle with 100 of them would be 220 KB, near the stanza
 * limits, fetched whole for every session. They go in chunks of KYBER_CHUNK instead, one PEP item
 * per chunk (item id kyberChunkId(keyId)), and a sender fetches only the chunk of the key it picked.
 * Chunks rather than one item per key: Prosody's PEP storage rewrites a node's whole item list on
 * every publish, and 100 single-key publishes took ~4.5 s of server CPU per device.
 */
export const KYBER_CHUNK = 10;

export function kyberChunkId(keyId: number): string {
  return `c${Math.floor(keyId / KYBER_CHUNK)}`;
}

export function kyberChunkElement(items: KyberItem[]): Element {
  return xml('kyber-prekeys', { xmlns: NS_INTEROP },
    ...items.map((item) => xml('kyber-prekey', { id: String(item.id), signature: toB64(item.signature) }, toB64(item.key.serialize()))));
}

/**
 * What a fetched bundle offers before one one-time key is picked: exactly what the owner
 * published, so the same shape.
 */
export type ParsedBundle = PublicBundle;

/** Throws an Error naming the broken part. */
export function parseBundle(payload: Element | undefined): ParsedBundle {
  if (!payload?.is('bundle', NS_INTEROP)) throw new Error('bundle: missing');
  const child = (name: string): Element => {
    const found = payload.getChild(name);
    if (!found) throw new Error(`bundle: no <${name}>`);
    return found;
  };
  const registrationId = need(num(payload.attrs['registration-id']), 'registration-id');
  const device = need(deviceId(payload.attrs['device-id']), 'device-id');
  const signed = child('signed-prekey');
  const lastResort = child('last-resort-kyber-prekey');
  return {
    registrationId,
    deviceId: device,
    identityKey: PublicKey.deserialize(fromB64(child('identity-key').text())),
    signedPreKey: { id: need(num(signed.attrs.id), 'signed-prekey id'), key: PublicKey.deserialize(fromB64(signed.text())), signature: fromB64(signed.attrs.signature ?? '') },
    lastResort: { id: need(num(lastResort.attrs.id), 'last-resort id'), key: KEMPublicKey.deserialize(fromB64(lastResort.text())), signature: fromB64(lastResort.attrs.signature ?? '') },
    preKeys: (payload.getChild('prekeys')?.getChildren('prekey') ?? []).flatMap((p) => {
      const id = num(p.attrs.id);
      return id === null ? [] : [{ id, key: PublicKey.deserialize(fromB64(p.text())) }];
    }),
    kyberIds: (payload.getChild('kyber-prekeys')?.getChildren('kyber-prekey') ?? []).flatMap((k) => {
      const id = num(k.attrs.id);
      return id === null ? [] : [id];
    }),
  };
}

/** The key with `keyId` from a chunk; null when the chunk no longer has it. */
export function parseKyberChunk(payload: Element | undefined, keyId: number): KyberItem | null {
  if (!payload?.is('kyber-prekeys', NS_INTEROP)) throw new Error('kyber prekeys: missing');
  const key = payload.getChildren('kyber-prekey').find((k) => num(k.attrs.id) === keyId);
  if (!key) return null;
  return { id: keyId, key: KEMPublicKey.deserialize(fromB64(key.text())), signature: fromB64(key.attrs.signature ?? '') };
}

/** The libsignal bundle for PQXDH: one random one-time EC prekey, and a one-time Kyber prekey if given. */
export function toPreKeyBundle(b: ParsedBundle, kyber: KyberItem | null): PreKeyBundle {
  const pre = b.preKeys.length ? b.preKeys[Math.floor(Math.random() * b.preKeys.length)] : undefined;
  const pq = kyber ?? b.lastResort;
  return PreKeyBundle.new(b.registrationId, b.deviceId, pre?.id ?? null, pre?.key ?? null,
    b.signedPreKey.id, b.signedPreKey.key, b.signedPreKey.signature, b.identityKey, pq.id, pq.key, pq.signature);
}

function num(value: string | undefined): number | null {
  if (!value || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n <= 0xffffffff ? n : null;
}

function deviceId(value: string | undefined): number | null {
  const n = num(value);
  return n !== null && n >= 1 && n <= 127 ? n : null;
}

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`bundle: bad ${what}`);
  return value;
}
