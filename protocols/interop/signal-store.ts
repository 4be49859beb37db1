// libsignal's five stores over AdapterState (string KV, base64 values), so a restarted adapter
// resumes its sessions. The service seals these values at rest. Identity trust is per account
// name (the bare JID), not per device: every device of an account shares its identity key.
import type {
  Direction, PrivateKey, ProtocolAddress} from '@signalapp/libsignal-client';
import { IdentityChange, IdentityKeyPair, IdentityKeyStore, KyberPreKeyRecord, KyberPreKeyStore, PreKeyRecord,
  PreKeyStore, PublicKey, SessionRecord, SessionStore, SignedPreKeyRecord,
  SignedPreKeyStore,
} from '@signalapp/libsignal-client';
import type { AdapterState } from '../adapter.js';
import { fromB64, toB64 } from './bytes.js';

const K = {
  identity: 'sig.identity',
  registrationId: 'sig.regid',
  deviceId: 'sig.device',
  session: (a: ProtocolAddress) => `sig.session.${a.name()}.${a.deviceId()}`,
  peer: (name: string) => `sig.peer.${name}`,
  preKey: (id: number) => `sig.pk.${id}`,
  signedPreKey: (id: number) => `sig.spk.${id}`,
  kyberPreKey: (id: number) => `sig.kpk.${id}`,
  kyberUsed: (id: number, base: string) => `sig.kused.${id}.${base}`,
};

export type IdentityListener = (name: string, change: 'first-seen' | 'changed') => void;

function load<T>(state: AdapterState, key: string, parse: (b: Uint8Array<ArrayBuffer>) => T): T | null {
  const stored = state.get(key);
  return stored === undefined ? null : parse(fromB64(stored));
}

/** The installation's own identity, registration id and device id, created on first use. */
export interface LocalIdentity {
  keyPair: IdentityKeyPair;
  registrationId: number;
  deviceId: number;
}

/**
 * Loads or creates the local identity. The identity key pair is per account: a device linked to an
 * account receives it (linking is not part of this protocol; tests copy `sig.identity`). Device ids
 * are 1..127 (libsignal's range); `taken` lists ids already in the account's device list.
 */
export function localIdentity(state: AdapterState, taken: ReadonlySet<number> = new Set()): LocalIdentity {
  let keyPair = load(state, K.identity, (b) => IdentityKeyPair.deserialize(b));
  if (!keyPair) {
    keyPair = IdentityKeyPair.generate();
    state.set(K.identity, toB64(keyPair.serialize()));
  }
  let registrationId = Number(state.get(K.registrationId) ?? '0');
  if (!registrationId) {
    registrationId = 1 + Math.floor(Math.random() * 16380);
    state.set(K.registrationId, String(registrationId));
  }
  let deviceId = Number(state.get(K.deviceId) ?? '0');
  if (!deviceId) {
    const free = Array.from({ length: 127 }, (_, i) => i + 1).filter((id) => !taken.has(id));
    deviceId = free[Math.floor(Math.random() * free.length)] ?? 1;
    state.set(K.deviceId, String(deviceId));
  }
  return { keyPair, registrationId, deviceId };
}

/**
 * Sessions are written through to AdapterState on every save, and read from memory: decoding a
 * session record (several KB with the post-quantum ratchet's state) from base64 on every message
 * doubled the channel's cost over bare libsignal (bench/interop.bench.ts).
 */
export class StateSessionStore extends SessionStore {
  private readonly cache = new Map<string, SessionRecord>();
  constructor(private readonly state: AdapterState) { super(); }
  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    const key = K.session(name);
    this.state.set(key, toB64(record.serialize()));
    this.cache.set(key, record);
  }
  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    const key = K.session(name);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const record = load(this.state, key, (b) => SessionRecord.deserialize(b));
    if (record) this.cache.set(key, record);
    return record;
  }
  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    const records = await Promise.all(addresses.map((a) => this.getSession(a)));
    return records.filter((r): r is SessionRecord => r !== null);
  }
}

export class StateIdentityStore extends IdentityKeyStore {
  constructor(
    private readonly state: AdapterState,
    private readonly local: LocalIdentity,
    private readonly onChange: IdentityListener,
  ) { super(); }
  async getIdentityKey(): Promise<PrivateKey> {
    return this.local.keyPair.privateKey;
  }
  async getLocalRegistrationId(): Promise<number> {
    return this.local.registrationId;
  }
  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const known = await this.getIdentity(name);
    if (known?.equals(key)) return IdentityChange.NewOrUnchanged;
    this.state.set(K.peer(name.name()), toB64(key.serialize()));
    this.onChange(name.name(), known ? 'changed' : 'first-seen');
    return known ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }
  /**
   * Trust on first use, and a changed key is still used: the change is reported (an identity event,
   * a notice in the chat, the chat marked unverified) rather than silently blocking messages.
   */
  async isTrustedIdentity(_name: ProtocolAddress, _key: PublicKey, _direction: Direction): Promise<boolean> {
    return true;
  }
  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    return this.peerIdentity(name.name());
  }
  peerIdentity(name: string): PublicKey | null {
    // Read on every message: kept decoded, keyed by the stored text so a change is seen.
    const stored = this.state.get(K.peer(name));
    if (stored === undefined) return null;
    const cached = this.decoded.get(name);
    if (cached?.stored === stored) return cached.key;
    const key = PublicKey.deserialize(fromB64(stored));
    this.decoded.set(name, { stored, key });
    return key;
  }
  private readonly decoded = new Map<string, { stored: string; key: PublicKey }>();
}

/** Prekeys. Removals and Kyber uses are reported so the bundle can be replenished and republished. */
export class StatePreKeyStores {
  readonly consumed = { preKeys: new Set<number>(), kyberPreKeys: new Set<number>() };
  readonly preKeys: PreKeyStore;
  readonly signedPreKeys: SignedPreKeyStore;
  readonly kyberPreKeys: KyberPreKeyStore;

  constructor(state: AdapterState, isLastResort: (kyberId: number) => boolean) {
    const consumed = this.consumed;
    const missing = (what: string, id: number): Error => new Error(`no ${what} with id ${id} (already used or never made)`);
    this.preKeys = new (class extends PreKeyStore {
      async savePreKey(id: number, record: PreKeyRecord): Promise<void> { state.set(K.preKey(id), toB64(record.serialize())); }
      async getPreKey(id: number): Promise<PreKeyRecord> {
        const record = load(state, K.preKey(id), (b) => PreKeyRecord.deserialize(b));
        if (!record) throw missing('one-time prekey', id);
        return record;
      }
      async removePreKey(id: number): Promise<void> {
        state.delete(K.preKey(id));
        consumed.preKeys.add(id);
      }
    })();
    this.signedPreKeys = new (class extends SignedPreKeyStore {
      async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> { state.set(K.signedPreKey(id), toB64(record.serialize())); }
      async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
        const record = load(state, K.signedPreKey(id), (b) => SignedPreKeyRecord.deserialize(b));
        if (!record) throw missing('signed prekey', id);
        return record;
      }
    })();
    this.kyberPreKeys = new (class extends KyberPreKeyStore {
      async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> { state.set(K.kyberPreKey(id), toB64(record.serialize())); }
      async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
        const record = load(state, K.kyberPreKey(id), (b) => KyberPreKeyRecord.deserialize(b));
        if (!record) throw missing('Kyber prekey', id);
        return record;
      }
      async markKyberPreKeyUsed(id: number, signedPreKeyId: number, baseKey: PublicKey): Promise<void> {
        if (!isLastResort(id)) {
          state.delete(K.kyberPreKey(id));
          consumed.kyberPreKeys.add(id);
          return;
        }
        // The last-resort key stays; a second session set up with the same base key is a replay.
        const used = K.kyberUsed(id, `${signedPreKeyId}.${toB64(baseKey.serialize())}`);
        if (state.get(used)) throw new Error('a PQXDH handshake was replayed (last-resort Kyber prekey, same base key)');
        state.set(used, '1');
      }
    })();
  }
}
