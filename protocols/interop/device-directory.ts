// Which devices an account has, and their bundles, read from PEP. Device lists are cached and
// re-read when older than maxAgeMs (PEP notifications would need presence subscriptions and entity
// caps between the two accounts, which interop contacts do not have); a message from a device not
// in the cached list adds it at once.
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { PreKeyBundle } from '@signalapp/libsignal-client';
import { kyberChunkId, parseBundle, parseDevices, parseKyberChunk, toPreKeyBundle } from './bundle-xml.js';
import { CURRENT, DEVICES_NODE, bundleNode, kyberNode } from './namespaces.js';
import { fetchItems } from './pep.js';
import type { DeviceAddress } from './signal-channel.js';

interface Cached {
  ids: number[];
  at: number;
}

const FETCH_TIMEOUT_MS = 10_000;

export class DeviceDirectory {
  private readonly lists = new Map<string, Cached>();

  constructor(private readonly iq: () => IqCaller, private readonly maxAgeMs: number, private readonly now: () => number) {}

  /** The account's device ids; re-read from PEP when the cached list is too old. */
  async devices(jid: string): Promise<number[]> {
    const cached = this.lists.get(jid);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.ids;
    const [payload] = await fetchItems(this.iq(), jid, DEVICES_NODE, [CURRENT], FETCH_TIMEOUT_MS);
    const ids = parseDevices(payload);
    this.lists.set(jid, { ids, at: this.now() });
    return ids;
  }

  set(jid: string, ids: number[]): void {
    this.lists.set(jid, { ids, at: this.now() });
  }

  /** A device sent us a message: it exists, whatever the cached list says. */
  note(jid: string, deviceId: number): void {
    const cached = this.lists.get(jid);
    if (cached && !cached.ids.includes(deviceId)) cached.ids = [...cached.ids, deviceId];
  }

  /** A device's bundle with one one-time EC prekey and a one-time Kyber prekey when one is left. */
  async bundle(device: DeviceAddress): Promise<PreKeyBundle | null> {
    const iq = this.iq();
    const [payload] = await fetchItems(iq, device.name, bundleNode(device.deviceId), [CURRENT], FETCH_TIMEOUT_MS);
    if (!payload) return null;
    const parsed = parseBundle(payload);
    if (parsed.deviceId !== device.deviceId) throw new Error(`the bundle of device ${device.deviceId} names device ${parsed.deviceId}`);
    let kyber = null;
    const kyberId = parsed.kyberIds[Math.floor(Math.random() * parsed.kyberIds.length)];
    if (kyberId !== undefined) {
      try {
        const [chunk] = await fetchItems(iq, device.name, kyberNode(device.deviceId), [kyberChunkId(kyberId)], FETCH_TIMEOUT_MS);
        kyber = chunk ? parseKyberChunk(chunk, kyberId) : null;
      } catch {
        // The last-resort Kyber prekey is there for exactly this.
      }
    }
    return toPreKeyBundle(parsed, kyber);
  }

  /** The identity key a device publishes (for a safety number before the first message). */
  async publishedIdentity(jid: string): Promise<ReturnType<typeof parseBundle>['identityKey'] | null> {
    const [first] = await this.devices(jid);
    if (first === undefined) return null;
    const [payload] = await fetchItems(this.iq(), jid, bundleNode(first), [CURRENT], FETCH_TIMEOUT_MS);
    return payload ? parseBundle(payload).identityKey : null;
  }
}
