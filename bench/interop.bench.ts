// Interop channel benchmark. Run: node --import tsx bench/interop.bench.ts
// Prints one JSON object on stdout: {figures:[{name,unit,median,p99,baselineMedian,ratio}]}.
//
// Each figure is measured twice in the same run: through the channel (protocols/interop: the
// envelope, the Signal layer with its AdapterState-backed stores, the stanza and PEP codecs) and as
// the bare libsignal calls with in-memory stores (the floor). No network: the server's share is
// Prosody's, not the channel's. For "ms" the ratio is channel/baseline; for "msg/s" it is
// baseline/channel, so a ratio above 1 always means "the channel is that many times slower".
// For msg/s, "p99" is the slow end: the rate 99% of batches beat.
//
// Knobs: BENCH_MESSAGES (per-message samples, default 2,000), BENCH_SETUPS (session setups, 50).
import {
  IdentityChange, IdentityKeyPair, IdentityKeyStore, KEMKeyPair, KyberPreKeyRecord, KyberPreKeyStore, PreKeyBundle,
  PreKeyRecord, PreKeySignalMessage, PreKeyStore, PrivateKey, ProtocolAddress, SessionStore, SignalMessage,
  SignedPreKeyRecord, SignedPreKeyStore, processPreKeyBundle, signalDecrypt, signalDecryptPreKey, signalEncrypt,
  type PublicKey, type SessionRecord,
} from '@signalapp/libsignal-client';
import xml from '@xmpp/xml';
import type { AdapterState } from '../protocols/adapter';
import { bundleElement, parseBundle, toPreKeyBundle } from '../protocols/interop/bundle-xml';
import { decodeEnvelope, encodeEnvelope } from '../protocols/interop/envelope';
import { SignalChannel, type DeviceAddress } from '../protocols/interop/signal-channel';
import { encryptedMessage, parseEncrypted } from '../protocols/interop/stanza';

interface Figure {
  name: string;
  unit: 'ms' | 'msg/s';
  median: number;
  p99: number;
  baselineMedian: number;
  ratio: number;
}

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2_000);
const SETUPS = Number(process.env.BENCH_SETUPS ?? 50);
const BATCH = 100;
const TEXT = 'x'.repeat(1024);
const PLAIN_1K = new Uint8Array(Buffer.from(TEXT));

const progress = (msg: string): void => void process.stderr.write(`${msg}\n`);
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function memoryState(): AdapterState {
  const data = new Map<string, string>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) };
}

function msFigure(name: string, measured: number[], baseline: number[]): Figure {
  const m = [...measured].sort((a, b) => a - b);
  const b = [...baseline].sort((x, y) => x - y);
  const median = quantile(m, 0.5);
  const baselineMedian = quantile(b, 0.5);
  return { name, unit: 'ms', median: round(median, 4), p99: round(quantile(m, 0.99), 4), baselineMedian: round(baselineMedian, 4), ratio: round(median / baselineMedian, 2) };
}

function rateFigure(name: string, measured: number[], baseline: number[]): Figure {
  const m = [...measured].sort((a, b) => a - b);
  const b = [...baseline].sort((x, y) => x - y);
  const median = quantile(m, 0.5);
  const baselineMedian = quantile(b, 0.5);
  return { name, unit: 'msg/s', median: Math.round(median), p99: Math.round(quantile(m, 0.01)), baselineMedian: Math.round(baselineMedian), ratio: round(baselineMedian / median, 2) };
}

// ---- the floor: libsignal with the simplest in-memory stores ----

class RawStores {
  readonly sessions = new Map<string, SessionRecord>();
  readonly identities = new Map<string, PublicKey>();
  readonly preKeys = new Map<number, PreKeyRecord>();
  readonly signed = new Map<number, SignedPreKeyRecord>();
  readonly kyber = new Map<number, KyberPreKeyRecord>();
  readonly identity = IdentityKeyPair.generate();
  readonly registrationId = 1 + Math.floor(Math.random() * 16000);
  readonly sessionStore: SessionStore;
  readonly identityStore: IdentityKeyStore;
  readonly preKeyStore: PreKeyStore;
  readonly signedStore: SignedPreKeyStore;
  readonly kyberStore: KyberPreKeyStore;

  constructor() {
    const s = { sessions: this.sessions, identities: this.identities, preKeys: this.preKeys, signed: this.signed, kyber: this.kyber, identity: this.identity, registrationId: this.registrationId };
    const key = (a: ProtocolAddress): string => `${a.name()}.${a.deviceId()}`;
    this.sessionStore = new (class extends SessionStore {
      async saveSession(a: ProtocolAddress, r: SessionRecord) { s.sessions.set(key(a), r); }
      async getSession(a: ProtocolAddress) { return s.sessions.get(key(a)) ?? null; }
      async getExistingSessions(list: ProtocolAddress[]) { return list.flatMap((a) => s.sessions.get(key(a)) ?? []); }
    })();
    this.identityStore = new (class extends IdentityKeyStore {
      async getIdentityKey() { return s.identity.privateKey; }
      async getLocalRegistrationId() { return s.registrationId; }
      async saveIdentity(a: ProtocolAddress, k: PublicKey) { s.identities.set(a.name(), k); return IdentityChange.NewOrUnchanged; }
      async isTrustedIdentity() { return true; }
      async getIdentity(a: ProtocolAddress) { return s.identities.get(a.name()) ?? null; }
    })();
    this.preKeyStore = new (class extends PreKeyStore {
      async savePreKey(id: number, r: PreKeyRecord) { s.preKeys.set(id, r); }
      async getPreKey(id: number) { const r = s.preKeys.get(id); if (!r) throw new Error('no prekey'); return r; }
      async removePreKey(id: number) { s.preKeys.delete(id); }
    })();
    this.signedStore = new (class extends SignedPreKeyStore {
      async saveSignedPreKey(id: number, r: SignedPreKeyRecord) { s.signed.set(id, r); }
      async getSignedPreKey(id: number) { const r = s.signed.get(id); if (!r) throw new Error('no signed prekey'); return r; }
    })();
    this.kyberStore = new (class extends KyberPreKeyStore {
      async saveKyberPreKey(id: number, r: KyberPreKeyRecord) { s.kyber.set(id, r); }
      async getKyberPreKey(id: number) { const r = s.kyber.get(id); if (!r) throw new Error('no kyber prekey'); return r; }
      async markKyberPreKeyUsed() {}
    })();
  }

  /** One signed prekey, one Kyber prekey and one one-time prekey with id `id`; their bundle. */
  bundle(id: number, deviceId: number): PreKeyBundle {
    const ec = PrivateKey.generate();
    const signed = SignedPreKeyRecord.new(id, Date.now(), ec.getPublicKey(), ec, this.identity.privateKey.sign(ec.getPublicKey().serialize()));
    const kem = KEMKeyPair.generate();
    const kyber = KyberPreKeyRecord.new(id, Date.now(), kem, this.identity.privateKey.sign(kem.getPublicKey().serialize()));
    const one = PrivateKey.generate();
    this.signed.set(id, signed);
    this.kyber.set(id, kyber);
    this.preKeys.set(id, PreKeyRecord.new(id, one.getPublicKey(), one));
    return PreKeyBundle.new(this.registrationId, deviceId, id, one.getPublicKey(), id, signed.publicKey(), signed.signature(),
      this.identity.publicKey, id, kyber.publicKey(), kyber.signature());
  }
}

async function rawSetup(i: number): Promise<number> {
  const alice = new RawStores();
  const bob = new RawStores();
  const aliceAddr = ProtocolAddress.new('alice', 1);
  const bobAddr = ProtocolAddress.new('bob', 2);
  const bundle = bob.bundle(i + 1, 2);
  const t = now();
  await processPreKeyBundle(bundle, bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
  const first = await signalEncrypt(PLAIN_1K, bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
  await signalDecryptPreKey(PreKeySignalMessage.deserialize(first.serialize()), aliceAddr, bobAddr, bob.sessionStore, bob.identityStore, bob.preKeyStore, bob.signedStore, bob.kyberStore);
  const reply = await signalEncrypt(PLAIN_1K, aliceAddr, bobAddr, bob.sessionStore, bob.identityStore);
  await signalDecrypt(SignalMessage.deserialize(reply.serialize()), bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
  return now() - t;
}

/** A raw session, acknowledged both ways; returns one message's encrypt + decrypt. */
async function rawConversation(): Promise<() => Promise<void>> {
  const alice = new RawStores();
  const bob = new RawStores();
  const aliceAddr = ProtocolAddress.new('alice', 1);
  const bobAddr = ProtocolAddress.new('bob', 2);
  await processPreKeyBundle(bob.bundle(1, 2), bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
  const first = await signalEncrypt(PLAIN_1K, bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
  await signalDecryptPreKey(PreKeySignalMessage.deserialize(first.serialize()), aliceAddr, bobAddr, bob.sessionStore, bob.identityStore, bob.preKeyStore, bob.signedStore, bob.kyberStore);
  const reply = await signalEncrypt(PLAIN_1K, aliceAddr, bobAddr, bob.sessionStore, bob.identityStore);
  await signalDecrypt(SignalMessage.deserialize(reply.serialize()), bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
  return async () => {
    const message = await signalEncrypt(PLAIN_1K, bobAddr, aliceAddr, alice.sessionStore, alice.identityStore);
    await signalDecrypt(SignalMessage.deserialize(message.serialize()), aliceAddr, bobAddr, bob.sessionStore, bob.identityStore);
  };
}

// ---- the channel ----

async function channelDevice(name: string, withKeys: boolean): Promise<{ channel: SignalChannel; address: DeviceAddress }> {
  const channel = new SignalChannel(memoryState(), name, () => {});
  if (withKeys) await channel.prekeys.ensure(Date.now());
  return { channel, address: { name, deviceId: channel.deviceId } };
}

/** One message through the channel: envelope, encrypt, stanza out, stanza in, decrypt, envelope. */
async function channelMessage(from: { channel: SignalChannel }, to: { channel: SignalChannel; address: DeviceAddress }, fromAddress: DeviceAddress): Promise<void> {
  const { copies } = await from.channel.encrypt(encodeEnvelope({ v: 1, sentAt: Date.now(), text: TEXT }), [to.address], async () => null);
  const wire = encryptedMessage(to.address.name, 'id-1', fromAddress.deviceId, copies, true, true);
  wire.toString();
  const parsed = parseEncrypted(wire);
  const copy = parsed?.keys[0];
  if (!copy) throw new Error('no copy');
  decodeEnvelope(await to.channel.decrypt(fromAddress, copy.kind, copy.body));
}

async function channelSetup(bob: { channel: SignalChannel; address: DeviceAddress }, bundleXml: ReturnType<typeof bundleElement>): Promise<number> {
  const alice = await channelDevice('alice@localhost', false);
  const t = now();
  const bundle = toPreKeyBundle(parseBundle(bundleXml), null);
  const { copies } = await alice.channel.encrypt(encodeEnvelope({ v: 1, sentAt: Date.now(), text: TEXT }), [bob.address], async () => bundle);
  const copy = parseEncrypted(encryptedMessage(bob.address.name, 'id', alice.address.deviceId, copies, true))?.keys[0];
  if (!copy) throw new Error('no copy');
  decodeEnvelope(await bob.channel.decrypt(alice.address, copy.kind, copy.body));
  const reply = await bob.channel.encrypt(encodeEnvelope({ v: 1, sentAt: Date.now(), text: TEXT }), [alice.address], async () => null);
  const back = parseEncrypted(encryptedMessage(alice.address.name, 'id2', bob.address.deviceId, reply.copies, true))?.keys[0];
  if (!back) throw new Error('no reply');
  decodeEnvelope(await alice.channel.decrypt(bob.address, back.kind, back.body));
  return now() - t;
}

/** Bob's bundle as it arrives from PEP: serialized into an item and read back. */
async function publishedBundle(bob: { channel: SignalChannel }): Promise<ReturnType<typeof bundleElement>> {
  const payload = xml('item', {}, bundleElement(await bob.channel.prekeys.publicBundle())).getChildElements()[0];
  if (!payload) throw new Error('no bundle');
  return payload;
}

async function main(): Promise<void> {
  const figures: Figure[] = [];

  progress('session setup…');
  const bob = await channelDevice('bob@localhost', true);
  const setupChannel: number[] = [];
  const setupRaw: number[] = [];
  for (let i = 0; i < SETUPS; i++) {
    // Bob's bundle as it arrives from PEP (serialized and parsed), one one-time prekey fewer each time.
    setupChannel.push(await channelSetup(bob, await publishedBundle(bob)));
    await bob.channel.prekeys.replenish();
    setupRaw.push(await rawSetup(i));
  }
  figures.push(msFigure('session setup: PQXDH from a published bundle + first 1 KB message both ways', setupChannel.slice(3), setupRaw.slice(3)));

  progress('1 KB messages…');
  const alice = await channelDevice('alice@localhost', false);
  const bundle = toPreKeyBundle(parseBundle(await publishedBundle(bob)), null);
  await alice.channel.encrypt(PLAIN_1K, [bob.address], async () => bundle).then(async ({ copies }) => bob.channel.decrypt(alice.address, copies[0]!.kind, copies[0]!.body));
  const ack = await bob.channel.encrypt(PLAIN_1K, [alice.address], async () => null);
  await alice.channel.decrypt(bob.address, ack.copies[0]!.kind, ack.copies[0]!.body);

  // Interleaved, one channel message then one raw, so both see the same heap and the same machine.
  const raw = await rawConversation();
  const channelTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    await channelMessage(alice, bob, alice.address);
    await raw();
  }
  for (let i = 0; i < MESSAGES; i++) {
    let t = now();
    await channelMessage(alice, bob, alice.address);
    channelTimes.push(now() - t);
    t = now();
    await raw();
    rawTimes.push(now() - t);
  }
  figures.push(msFigure('encrypt + decrypt one 1 KB message', channelTimes, rawTimes));

  const batches = (times: number[]): number[] => {
    const out: number[] = [];
    for (let i = 0; i + BATCH <= times.length; i += BATCH) out.push(BATCH / (times.slice(i, i + BATCH).reduce((a, b) => a + b, 0) / 1000));
    return out;
  };
  figures.push(rateFigure('encrypt + decrypt throughput, 1 KB messages', batches(channelTimes), batches(rawTimes)));

  process.stdout.write(`${JSON.stringify({ figures }, null, 2)}\n`);
}

await main();
