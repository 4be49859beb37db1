// The Signal layer, with no XMPP in it: one installation's identity, prekeys and sessions, and
// encrypt-to-devices / decrypt-from-device. Everything persists through AdapterState. Callers must
// not run two operations at once (interop-adapter.ts queues them; see serial-queue.ts).
import {
  CiphertextMessageType, ErrorCode, Fingerprint, LibSignalErrorBase, PreKeySignalMessage, ProtocolAddress, SignalMessage,
  processPreKeyBundle, signalDecrypt, signalDecryptPreKey, signalEncrypt, type PreKeyBundle, type PublicKey,
} from '@signalapp/libsignal-client';
import type { AdapterState, SafetyNumber } from '../adapter.js';
import { utf8 } from './bytes.js';
import { PreKeys } from './prekeys.js';
import {
  StateIdentityStore, StatePreKeyStores, StateSessionStore, localIdentity, type IdentityListener, type LocalIdentity,
} from './signal-store.js';

export interface DeviceAddress {
  /** The account: a bare JID. */
  name: string;
  deviceId: number;
}

export type CopyKind = 'prekey' | 'signal';

export interface EncryptedCopy extends DeviceAddress {
  kind: CopyKind;
  body: Uint8Array<ArrayBuffer>;
}

/** Fetches a device's bundle (PEP); null when the device has none. */
export type BundleSource = (device: DeviceAddress) => Promise<PreKeyBundle | null>;

export class DecryptError extends Error {
  constructor(message: string, readonly duplicate: boolean) {
    super(message);
  }
}

const FINGERPRINT_ITERATIONS = 5200;
const FINGERPRINT_VERSION = 2;

export class SignalChannel {
  readonly local: LocalIdentity;
  readonly prekeys: PreKeys;
  private readonly sessions: StateSessionStore;
  private readonly identities: StateIdentityStore;
  private readonly prekeyStores: StatePreKeyStores;
  private readonly self: ProtocolAddress;

  constructor(state: AdapterState, readonly ownName: string, onIdentity: IdentityListener, takenDeviceIds?: ReadonlySet<number>) {
    this.local = localIdentity(state, takenDeviceIds);
    this.self = ProtocolAddress.new(ownName, this.local.deviceId);
    this.sessions = new StateSessionStore(state);
    this.identities = new StateIdentityStore(state, this.local, (name, change) => {
      // Own devices share the account's identity: not a contact's identity event.
      if (name !== ownName) onIdentity(name, change);
    });
    this.prekeyStores = new StatePreKeyStores(state, (id) => this.prekeys.isLastResort(id));
    this.prekeys = new PreKeys(state, this.local, this.prekeyStores);
  }

  get deviceId(): number {
    return this.local.deviceId;
  }

  /** Whether a usable session with this device exists. */
  async hasSession(device: DeviceAddress): Promise<boolean> {
    const record = await this.sessions.getSession(address(device));
    return record?.hasCurrentState() ?? false;
  }

  /** PQXDH with a fetched bundle: the next encrypt to this device starts a new session. */
  async startSession(device: DeviceAddress, bundle: PreKeyBundle): Promise<void> {
    await processPreKeyBundle(bundle, address(device), this.self, this.sessions, this.identities);
  }

  /**
   * One copy of `plaintext` per device; devices without a session get one from `bundles` first.
   * Devices that cannot be reached (no bundle, bad bundle) are returned in `skipped`.
   */
  async encrypt(plaintext: Uint8Array<ArrayBuffer>, devices: DeviceAddress[], bundles: BundleSource): Promise<{ copies: EncryptedCopy[]; skipped: Array<{ device: DeviceAddress; reason: string }> }> {
    const copies: EncryptedCopy[] = [];
    const skipped: Array<{ device: DeviceAddress; reason: string }> = [];
    for (const device of devices) {
      try {
        if (!(await this.hasSession(device))) {
          const bundle = await bundles(device);
          if (!bundle) {
            skipped.push({ device, reason: 'no bundle published' });
            continue;
          }
          await this.startSession(device, bundle);
        }
        const message = await signalEncrypt(plaintext, address(device), this.self, this.sessions, this.identities);
        const kind: CopyKind = message.type() === CiphertextMessageType.PreKey ? 'prekey' : 'signal';
        copies.push({ ...device, kind, body: message.serialize() });
      } catch (err) {
        skipped.push({ device, reason: (err as Error).message });
      }
    }
    return { copies, skipped };
  }

  /** Decrypts one copy. Throws DecryptError; `duplicate` marks a replayed ciphertext. */
  async decrypt(from: DeviceAddress, kind: CopyKind, body: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    const remote = address(from);
    try {
      if (kind === 'prekey') {
        const message = PreKeySignalMessage.deserialize(body);
        return await signalDecryptPreKey(message, remote, this.self, this.sessions, this.identities,
          this.prekeyStores.preKeys, this.prekeyStores.signedPreKeys, this.prekeyStores.kyberPreKeys);
      }
      return await signalDecrypt(SignalMessage.deserialize(body), remote, this.self, this.sessions, this.identities);
    } catch (err) {
      const duplicate = err instanceof LibSignalErrorBase && err.code === ErrorCode.DuplicatedMessage;
      throw new DecryptError(`${from.name} device ${from.deviceId}: ${(err as Error).message}`, duplicate);
    }
  }

  /** Retires the session with a device, so the next message sets up a fresh one from its bundle. */
  async retireSession(device: DeviceAddress): Promise<void> {
    const record = await this.sessions.getSession(address(device));
    if (!record) return;
    record.archiveCurrentState();
    await this.sessions.saveSession(address(device), record);
  }

  /**
   * The safety number with a contact: from the identity key sessions were set up with, else from the
   * key the contact publishes; null when neither is known.
   */
  safetyNumber(contact: string, published?: PublicKey): SafetyNumber | null {
    const theirs = this.identities.peerIdentity(contact) ?? published ?? null;
    if (!theirs) return null;
    const fingerprint = Fingerprint.new(FINGERPRINT_ITERATIONS, FINGERPRINT_VERSION,
      utf8(this.ownName), this.local.keyPair.publicKey, utf8(contact), theirs);
    return { digits: fingerprint.displayableFingerprint().toString(), scannable: fingerprint.scannableFingerprint().toBuffer() };
  }
}

function address(device: DeviceAddress): ProtocolAddress {
  return ProtocolAddress.new(device.name, device.deviceId);
}
