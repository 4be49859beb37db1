// Incoming stanzas: dedup by networkId before decrypting (the ratchet consumes keys, so a message
// seen live must not be decrypted again from the archive), decrypt this device's copy, turn the
// envelope into events, answer with batched delivery receipts. A copy that fails to decrypt gives an
// `undecryptable` event and a decryption-error request to the sending device; a replayed ciphertext
// is dropped without a word.
import { randomUUID } from 'node:crypto';
import { CiphertextMessageType, DecryptionErrorMessage } from '@signalapp/libsignal-client';
import type { Element } from '@xmpp/xml';
import type { AdapterEvent, AdapterState } from '../adapter.js';
import { networkIdOf } from '../xmpp/address.js';
import { BoundedSet } from './bounded-set.js';
import type { DeviceDirectory } from './device-directory.js';
import { ENVELOPE_VERSION, decodeEnvelope, type Envelope } from './envelope.js';
import { envelopeEvents, routingOf, unwrapArchived, unwrapLive, type Arrival } from './incoming.js';
import type { Sender } from './sender.js';
import type { SerialQueue } from './serial-queue.js';
import { DecryptError, type SignalChannel } from './signal-channel.js';
import { decryptionError, parseDecryptionError, parseEncrypted, type EncryptedStanza } from './stanza.js';

/** Processed networkIds remembered (in AdapterState) to drop duplicates and replays. */
export const SEEN_WINDOW = 10_000;
const FAILED_MEMORY = 1_000;

export interface ReceiverDeps {
  own: string;
  channel: SignalChannel;
  directory: DeviceDirectory;
  queue: SerialQueue;
  state: AdapterState;
  sender: Sender;
  now(): number;
  isAccepted(chat: string): boolean;
  emit(event: AdapterEvent): void;
  /** One-time prekeys were used: replace and republish (runs in the background). */
  replenish(): void;
  /** Sends without waiting for the server's acknowledgement. */
  sendRaw(stanza: Element): Promise<void>;
  receiptBatchMs: number;
  log(level: 'debug' | 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

export class Receiver {
  private readonly seen: BoundedSet;
  /** Failed networkIds already reported: the same failure again (e.g. from the archive) is silent. */
  private readonly failed = new Set<string>();
  private readonly receipts = new Map<string, string[]>();
  /** Own devices whose new session this device has acknowledged since it started. */
  private readonly acknowledged = new Set<string>();
  private receiptTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ReceiverDeps) {
    this.seen = new BoundedSet(deps.state, 'seen', SEEN_WINDOW);
  }

  live(stanza: Element): void {
    const arrival = unwrapLive(stanza, this.deps.own);
    if (arrival && 'refused' in arrival) {
      this.deps.log('warn', 'ignored a forged carbon', { detail: arrival.refused });
      return;
    }
    if (arrival) this.accept(arrival);
  }

  archived(forwarded: Element): void {
    const arrival = unwrapArchived(forwarded);
    if (arrival) this.accept(arrival);
  }

  stop(): void {
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = null;
    this.receipts.clear();
  }

  private accept(arrival: Arrival): void {
    const request = parseDecryptionError(arrival.msg);
    const encrypted = request ? null : parseEncrypted(arrival.msg);
    if (!request && !encrypted) return;
    const job = request ? () => this.onDecryptionError(arrival.msg, request) : () => this.decryptOne(arrival, encrypted as EncryptedStanza);
    this.deps.queue.run(job).catch((err: unknown) => this.deps.log('warn', 'handling an incoming message failed', { error: String(err) }));
  }

  private async decryptOne(arrival: Arrival, stanza: EncryptedStanza): Promise<void> {
    const { own, channel } = this.deps;
    const routing = routingOf(arrival.msg, own);
    if (!routing) return;
    const networkId = networkIdOf(routing.sender, stanza.id);
    if (this.seen.has(networkId)) {
      this.deps.log('debug', 'dropped a message already processed', { networkId });
      return;
    }
    const copy = stanza.keys.find((k) => k.name === own && k.deviceId === channel.deviceId);
    // Sent by this device, or before it existed, or typing meant for the contact only.
    if (!copy) return;
    const from = { name: routing.sender, deviceId: stanza.senderDevice };
    this.deps.directory.note(from.name, from.deviceId);
    const at = arrival.stampedAt ?? this.deps.now();
    let plaintext: Uint8Array<ArrayBuffer>;
    try {
      plaintext = await channel.decrypt(from, copy.kind, copy.body);
    } catch (err) {
      if (err instanceof DecryptError && err.duplicate) {
        this.deps.log('info', 'dropped a replayed ciphertext', { networkId });
        return;
      }
      if (this.failed.has(networkId)) return;
      this.rememberFailure(networkId);
      const reason = (err as Error).message;
      this.deps.log('warn', 'a message could not be decrypted', { networkId, reason });
      this.deps.emit({ type: 'undecryptable', chat: routing.chat, networkId, sender: routing.sender, sentAt: at, reason });
      await this.askForResend(arrival.msg, stanza, copy.kind, copy.body, at);
      return;
    }
    this.seen.add(networkId);
    if (copy.kind === 'prekey') {
      this.deps.replenish();
      // Not awaited: it queues behind this job.
      if (routing.fromMe && !this.acknowledged.has(`${from.deviceId}`)) {
        this.acknowledged.add(`${from.deviceId}`);
        this.deps.sender.acknowledgeSession(from).catch((err: unknown) => this.deps.log('debug', 'a session acknowledgement was not sent', { error: String(err) }));
      }
    }
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(plaintext);
    } catch (err) {
      this.deps.log('warn', 'a decrypted envelope broke the schema and was dropped', { networkId, error: String(err) });
      return;
    }
    const events = envelopeEvents(envelope, { ...routing, own, id: stanza.id, at, historical: arrival.historical });
    for (const event of events) this.deps.emit(event);
    if (!routing.fromMe && events.some((e) => e.type === 'message') && this.deps.isAccepted(routing.chat)) {
      this.queueReceipt(routing.chat, stanza.id);
    }
  }

  private async askForResend(msg: Element, stanza: EncryptedStanza, kind: 'prekey' | 'signal', body: Uint8Array<ArrayBuffer>, at: number): Promise<void> {
    const to = msg.attrs.from;
    if (!to) return;
    let request: Uint8Array<ArrayBuffer>;
    try {
      const type = kind === 'prekey' ? CiphertextMessageType.PreKey : CiphertextMessageType.Whisper;
      request = DecryptionErrorMessage.forOriginal(body, type, at, stanza.senderDevice).serialize();
    } catch {
      // Too mangled to name its ratchet key: the request still asks for a fresh session.
      request = new Uint8Array(0);
    }
    await this.deps.sendRaw(decryptionError(to, randomUUID(), {
      ref: stanza.id, fromDevice: this.deps.channel.deviceId, toDevice: stanza.senderDevice, body: request,
    })).catch(() => {});
  }

  private async onDecryptionError(msg: Element, request: ReturnType<typeof parseDecryptionError> & object): Promise<void> {
    const { own, channel } = this.deps;
    const routing = routingOf(msg, own);
    // For this device only: not a carbon of a request this account sent, not one for another device.
    if (!routing || routing.chat === '' || msg.attrs.to?.split('/')[0]?.toLowerCase() !== own || request.toDevice !== channel.deviceId) return;
    const device = { name: routing.sender, deviceId: request.fromDevice };
    await channel.retireSession(device);
    const resent = await this.deps.sender.resendLocked(routing.sender, request.ref, device);
    this.deps.log('info', 'a device asked for a fresh session', { from: routing.sender, device: request.fromDevice, ref: request.ref, resent });
  }

  private queueReceipt(chat: string, id: string): void {
    const pending = this.receipts.get(chat) ?? [];
    pending.push(id);
    this.receipts.set(chat, pending);
    this.receiptTimer ??= setTimeout(() => this.flushReceipts(), this.deps.receiptBatchMs);
  }

  private flushReceipts(): void {
    this.receiptTimer = null;
    for (const [chat, ids] of this.receipts) {
      const envelope: Envelope = { v: ENVELOPE_VERSION, sentAt: this.deps.now(), receipt: { status: 'delivered', targets: ids.slice(0, 500) } };
      this.deps.sender.send(chat, randomUUID(), envelope, { persistent: true, ownDevices: false, remember: false })
        .catch((err: unknown) => this.deps.log('debug', 'a delivery receipt was not sent', { chat, error: String(err) }));
    }
    this.receipts.clear();
  }

  private rememberFailure(networkId: string): void {
    this.failed.add(networkId);
    if (this.failed.size > FAILED_MEMORY) this.failed.delete(this.failed.values().next().value ?? '');
  }
}
