// Encrypting and sending one envelope: to every device of the contact and (for messages) every
// other device of the account, all copies in one stanza, written to the wire in ratchet order.
// Keeps recently sent envelopes (in AdapterState, bounded) so a device that could not decrypt one
// can be sent it again through a fresh session.
import type { AdapterState } from '../adapter.js';
import { BoundedMap } from './bounded-set.js';
import type { DeviceDirectory } from './device-directory.js';
import { ENVELOPE_VERSION, decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js';
import { randomUUID } from 'node:crypto';
import { encryptedMessage } from './stanza.js';
import type { SerialQueue } from './serial-queue.js';
import type { DeviceAddress, SignalChannel } from './signal-channel.js';
import type { Element } from '@xmpp/xml';
import { fromB64, toB64 } from './bytes.js';

/** Sent envelopes kept for resends, across all chats. */
export const RESEND_WINDOW = 500;

export interface SenderDeps {
  own: string;
  channel: SignalChannel;
  directory: DeviceDirectory;
  queue: SerialQueue;
  state: AdapterState;
  /** Resolves when the server has acknowledged the stanza (XEP-0198). */
  write(stanza: Element): Promise<void>;
  log(level: 'debug' | 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

export interface SendOptions {
  /** Archived and stored offline (messages, receipts); typing is not. */
  persistent: boolean;
  /** Also to the account's other devices (messages), so they show what this one sent. */
  ownDevices: boolean;
  /** Keep it for a resend on request. */
  remember: boolean;
}

export class Sender {
  private readonly window: BoundedMap;

  constructor(private readonly deps: SenderDeps) {
    this.window = new BoundedMap(deps.state, 'resend', RESEND_WINDOW);
  }

  /** Resolves once the server acknowledged the stanza; throws a message a person can act on. */
  async send(to: string, id: string, envelope: Envelope, options: SendOptions): Promise<void> {
    const { queue, channel, directory, own } = this.deps;
    const written = await queue.run(async () => {
      const devices = await this.targets(to, options.ownDevices);
      const plaintext = encodeEnvelope(envelope);
      const { copies, skipped } = await channel.encrypt(plaintext, devices, (d) => directory.bundle(d));
      for (const s of skipped) this.deps.log('warn', 'a device was left out of a message', { to: s.device.name, device: s.device.deviceId, reason: s.reason });
      if (!copies.some((c) => c.name === to)) {
        throw new Error(`${to} has no device ${own} can encrypt to: they may not have turned the interop channel on.`);
      }
      if (options.remember) this.window.set(id, JSON.stringify({ to, envelope: toB64(plaintext) }));
      const fallback = envelope.text !== undefined || envelope.attachments !== undefined;
      // Written inside the queue: stanzas leave in the order their ratchet steps were taken.
      const acked = this.deps.write(encryptedMessage(to, id, channel.deviceId, copies, options.persistent, fallback));
      acked.catch(() => {});
      return { acked };
    });
    try {
      await written.acked;
    } catch (err) {
      throw new Error(`${own}: the connection dropped before the server confirmed the message (${(err as Error).message}).`);
    }
  }

  /**
   * An envelope with no content to one device, so a session it set up with us is acknowledged:
   * until a device hears back, libsignal keeps sending it PreKey messages (~2 KB each with the Kyber
   * ciphertext instead of ~270 bytes). Contacts hear back through receipts; the account's own
   * devices send each other nothing else, so they get this.
   */
  async acknowledgeSession(device: DeviceAddress): Promise<void> {
    const { queue, channel, directory, own } = this.deps;
    const acked = await queue.run(async () => {
      const plaintext = encodeEnvelope({ v: ENVELOPE_VERSION, sentAt: Date.now() });
      const { copies } = await channel.encrypt(plaintext, [device], (d) => directory.bundle(d));
      if (!copies.length) return null;
      const written = this.deps.write(encryptedMessage(device.name === own ? own : device.name, randomUUID(), channel.deviceId, copies, true));
      written.catch(() => {});
      return written;
    });
    await acked;
  }

  /**
   * Sends a remembered envelope again, with the same id, to one device (which has just retired its
   * session, so this goes through a fresh one). Call with the queue held. False when forgotten or
   * when `requester` may not have it (only the chat's contact or the account itself may).
   */
  async resendLocked(requester: string, ref: string, device: DeviceAddress): Promise<boolean> {
    const stored = this.window.get(ref);
    if (!stored) return false;
    const { to, envelope } = JSON.parse(stored) as { to: string; envelope: string };
    if (requester !== to && requester !== this.deps.own) return false;
    const plaintext = fromB64(envelope);
    const { copies } = await this.deps.channel.encrypt(plaintext, [device], (d) => this.deps.directory.bundle(d));
    if (!copies.length) return false;
    const fallback = (() => { try { return decodeEnvelope(plaintext).text !== undefined; } catch { return false; } })();
    this.deps.write(encryptedMessage(to, ref, this.deps.channel.deviceId, copies, true, fallback)).catch(() => {});
    return true;
  }

  private async targets(to: string, ownDevices: boolean): Promise<DeviceAddress[]> {
    const { directory, own, channel } = this.deps;
    const theirs = (await directory.devices(to)).map((deviceId) => ({ name: to, deviceId }));
    if (!ownDevices || to === own) return theirs;
    const mine = (await directory.devices(own)).filter((id) => id !== channel.deviceId).map((deviceId) => ({ name: own, deviceId }));
    return [...theirs, ...mine];
  }
}
