// Puts this device's public keys on the account's PEP service: the device list (adding this
// device), the bundle, and the one-time Kyber prekeys in chunks on a node of their own. Republishes after
// one-time prekeys were used, and after a signed-prekey rotation.
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { AdapterState } from '../adapter.js';
import { bundleElement, devicesElement, kyberChunkElement, kyberChunkId, parseDevices } from './bundle-xml.js';
import { CURRENT, DEVICES_NODE, bundleNode, kyberNode } from './namespaces.js';
import { KYBER_NODE_MAX_ITEMS, fetchItems, publish, retract } from './pep.js';
import { SerialQueue } from './serial-queue.js';
import type { SignalChannel } from './signal-channel.js';

const PUBLISHED_KYBER = 'pep.kyber';
/** Two devices of one account publishing the list at once can overwrite each other: check and retry. */
const DEVICE_LIST_ATTEMPTS = 3;

export class KeyPublisher {
  private readonly queue = new SerialQueue();

  constructor(private readonly own: string, private readonly channel: SignalChannel, private readonly state: AdapterState) {}

  /** On every new session: the device list (returned), the bundle and any Kyber items not yet published. */
  async publishAll(iq: IqCaller, now: number): Promise<number[]> {
    return this.queue.run(async () => {
      await this.channel.prekeys.ensure(now);
      const devices = await this.publishDeviceList(iq);
      await this.publishBundle(iq, []);
      return devices;
    });
  }

  /** After a prekey message: replace used one-time prekeys and republish. */
  async replenish(iq: IqCaller): Promise<boolean> {
    return this.queue.run(async () => {
      const change = await this.channel.prekeys.replenish();
      if (!change) return false;
      await this.publishBundle(iq, change.removedKyber);
      return true;
    });
  }

  /** Takes this device off the account's device list and empties its bundle (logout / unlink). */
  async withdraw(iq: IqCaller): Promise<void> {
    return this.queue.run(async () => {
      const me = this.channel.deviceId;
      const devices = parseDevices((await fetchItems(iq, this.own, DEVICES_NODE, [CURRENT]))[0]);
      if (devices.includes(me)) await publish(iq, DEVICES_NODE, CURRENT, devicesElement(devices.filter((id) => id !== me)));
      await retract(iq, bundleNode(me), [CURRENT]).catch(() => {});
    });
  }

  private async publishDeviceList(iq: IqCaller): Promise<number[]> {
    const me = this.channel.deviceId;
    let devices: number[] = [];
    for (let attempt = 0; attempt < DEVICE_LIST_ATTEMPTS; attempt++) {
      devices = parseDevices((await fetchItems(iq, this.own, DEVICES_NODE, [CURRENT]))[0]);
      if (devices.includes(me)) return devices;
      await publish(iq, DEVICES_NODE, CURRENT, devicesElement([...devices, me]));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * (attempt + 1)));
    }
    return [...devices, me];
  }

  private async publishBundle(iq: IqCaller, removedKyber: number[]): Promise<void> {
    const bundle = await this.channel.prekeys.publicBundle();
    const published = new Set<number>(JSON.parse(this.state.get(PUBLISHED_KYBER) ?? '[]') as number[]);
    const missing = bundle.kyberIds.filter((id) => !published.has(id));
    const node = kyberNode(bundle.deviceId);
    // Chunks first: a bundle must never name a Kyber key that is not there yet. A chunk that lost
    // a used key is published again without it (or retracted when empty).
    const touched = new Set([...missing, ...removedKyber].map(kyberChunkId));
    for (const chunk of touched) {
      const ids = bundle.kyberIds.filter((id) => kyberChunkId(id) === chunk);
      if (ids.length) await publish(iq, node, chunk, kyberChunkElement(await this.channel.prekeys.kyberItems(ids)), KYBER_NODE_MAX_ITEMS);
      else await retract(iq, node, [chunk]).catch(() => {});
    }
    await publish(iq, bundleNode(bundle.deviceId), CURRENT, bundleElement(bundle));
    this.state.set(PUBLISHED_KYBER, JSON.stringify(bundle.kyberIds));
  }
}
