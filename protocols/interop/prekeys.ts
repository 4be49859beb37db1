// The device's prekeys: generation, replacement of used one-time keys, rotation of the signed
// prekey and the last-resort Kyber prekey, and the public half that goes into the PEP bundle.
// Private halves live in the libsignal stores (signal-store.ts); this file keeps which ids are
// current in one JSON value, `sig.keys`.
import {
  KEMKeyPair, KyberPreKeyRecord, PreKeyRecord, PrivateKey, SignedPreKeyRecord, type KEMPublicKey, type PublicKey,
} from '@signalapp/libsignal-client';
import type { AdapterState } from '../adapter.js';
import type { LocalIdentity, StatePreKeyStores } from './signal-store.js';

/** One-time EC prekeys and one-time Kyber prekeys each kept published (the issue asks for ≥ 100). */
export const ONE_TIME_PREKEYS = 100;
/** The signed prekey and the last-resort Kyber prekey rotate this often. */
export const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 3600_000;
/** Ids stay below 2^24 (libsignal's prekey ids are u32; the margin keeps XML attributes short). */
const ID_SPACE = 0xffffff;

interface KeyMeta {
  nextPreKeyId: number;
  nextKyberId: number;
  preKeyIds: number[];
  kyberIds: number[];
  signedPreKeyId: number;
  signedAt: number;
  lastResortId: number;
}

export interface PublicBundle {
  registrationId: number;
  deviceId: number;
  identityKey: PublicKey;
  signedPreKey: { id: number; key: PublicKey; signature: Uint8Array<ArrayBuffer> };
  lastResort: { id: number; key: KEMPublicKey; signature: Uint8Array<ArrayBuffer> };
  preKeys: Array<{ id: number; key: PublicKey }>;
  /** Ids of one-time Kyber prekeys; each is fetched on its own (they are 1.5 KB each). */
  kyberIds: number[];
}

export interface KyberItem {
  id: number;
  key: KEMPublicKey;
  signature: Uint8Array<ArrayBuffer>;
}

const META = 'sig.keys';
const wrap = (id: number): number => (id % ID_SPACE) + 1;

export class PreKeys {
  private meta: KeyMeta | null;

  constructor(
    private readonly state: AdapterState,
    private readonly local: LocalIdentity,
    private readonly stores: StatePreKeyStores,
  ) {
    const stored = state.get(META);
    this.meta = stored ? (JSON.parse(stored) as KeyMeta) : null;
  }

  isLastResort(kyberId: number): boolean {
    return this.meta?.lastResortId === kyberId;
  }

  /** Creates the keys on first use and rotates stale ones; true when the bundle changed. */
  async ensure(now: number): Promise<boolean> {
    if (!this.meta) {
      const meta: KeyMeta = { nextPreKeyId: 1, nextKyberId: 1, preKeyIds: [], kyberIds: [], signedPreKeyId: 0, signedAt: 0, lastResortId: 0 };
      this.meta = meta;
      await this.rotateSigned(now);
      await this.topUp();
      return true;
    }
    if (now - this.meta.signedAt >= SIGNED_PREKEY_ROTATION_MS) {
      // The previous signed prekey stays in the store: messages already set up with it still decrypt.
      await this.rotateSigned(now);
      this.save();
      return true;
    }
    return false;
  }

  /**
   * Forgets one-time keys that libsignal used (and removed) and makes replacements. Returns the
   * Kyber ids that went away and came in, for the PEP item node; null when nothing was used.
   */
  async replenish(): Promise<{ removedKyber: number[]; addedKyber: number[] } | null> {
    const meta = this.requireMeta();
    const { preKeys, kyberPreKeys } = this.stores.consumed;
    if (!preKeys.size && !kyberPreKeys.size) return null;
    const removedKyber = [...kyberPreKeys];
    meta.preKeyIds = meta.preKeyIds.filter((id) => !preKeys.has(id));
    meta.kyberIds = meta.kyberIds.filter((id) => !kyberPreKeys.has(id));
    preKeys.clear();
    kyberPreKeys.clear();
    const addedKyber = await this.topUp();
    return { removedKyber, addedKyber };
  }

  async publicBundle(): Promise<PublicBundle> {
    const meta = this.requireMeta();
    const signed = await this.stores.signedPreKeys.getSignedPreKey(meta.signedPreKeyId);
    const lastResort = await this.stores.kyberPreKeys.getKyberPreKey(meta.lastResortId);
    // A key used between replenish() and now is left out rather than failing the whole bundle.
    const preKeys = (await Promise.all(meta.preKeyIds.map((id) => this.stores.preKeys.getPreKey(id).then(
      (record) => [{ id, key: record.publicKey() }], () => [])))).flat();
    return {
      registrationId: this.local.registrationId,
      deviceId: this.local.deviceId,
      identityKey: this.local.keyPair.publicKey,
      signedPreKey: { id: signed.id(), key: signed.publicKey(), signature: signed.signature() },
      lastResort: { id: lastResort.id(), key: lastResort.publicKey(), signature: lastResort.signature() },
      preKeys,
      kyberIds: [...meta.kyberIds],
    };
  }

  async kyberItems(ids: number[]): Promise<KyberItem[]> {
    return Promise.all(ids.map(async (id) => {
      const record = await this.stores.kyberPreKeys.getKyberPreKey(id);
      return { id, key: record.publicKey(), signature: record.signature() };
    }));
  }

  private async rotateSigned(now: number): Promise<void> {
    const meta = this.requireMeta();
    const identity = this.local.keyPair.privateKey;
    const ec = PrivateKey.generate();
    const signedId = this.takeId('nextPreKeyId');
    const signed = SignedPreKeyRecord.new(signedId, now, ec.getPublicKey(), ec, identity.sign(ec.getPublicKey().serialize()));
    await this.stores.signedPreKeys.saveSignedPreKey(signedId, signed);
    const kem = KEMKeyPair.generate();
    const lastResortId = this.takeId('nextKyberId');
    await this.stores.kyberPreKeys.saveKyberPreKey(lastResortId,
      KyberPreKeyRecord.new(lastResortId, now, kem, identity.sign(kem.getPublicKey().serialize())));
    meta.signedPreKeyId = signedId;
    meta.lastResortId = lastResortId;
    meta.signedAt = now;
  }

  /** Brings both one-time pools back to ONE_TIME_PREKEYS; returns the new Kyber ids. */
  private async topUp(): Promise<number[]> {
    const meta = this.requireMeta();
    const identity = this.local.keyPair.privateKey;
    while (meta.preKeyIds.length < ONE_TIME_PREKEYS) {
      const id = this.takeId('nextPreKeyId');
      const key = PrivateKey.generate();
      await this.stores.preKeys.savePreKey(id, PreKeyRecord.new(id, key.getPublicKey(), key));
      meta.preKeyIds.push(id);
    }
    const added: number[] = [];
    while (meta.kyberIds.length < ONE_TIME_PREKEYS) {
      const id = this.takeId('nextKyberId');
      const kem = KEMKeyPair.generate();
      await this.stores.kyberPreKeys.saveKyberPreKey(id, KyberPreKeyRecord.new(id, Date.now(), kem, identity.sign(kem.getPublicKey().serialize())));
      meta.kyberIds.push(id);
      added.push(id);
    }
    this.save();
    return added;
  }

  private takeId(counter: 'nextPreKeyId' | 'nextKyberId'): number {
    const meta = this.requireMeta();
    const id = meta[counter];
    meta[counter] = wrap(id);
    return id;
  }

  private requireMeta(): KeyMeta {
    if (!this.meta) throw new Error('prekeys used before ensure()');
    return this.meta;
  }

  private save(): void {
    this.state.set(META, JSON.stringify(this.meta));
  }
}
