// XEP-0198 stream management, owned here rather than taken from @xmpp/stream-management 0.14.0:
//  - that module resets its inbound counter when the promise for <enabled/> resolves, a microtask
//    after the parser has already emitted (and counted) the stanzas that came in the same read; the
//    client then acknowledges fewer stanzas than it handled and Prosody closes the stream
//    ("acknowledged less stanzas than already acknowledged"). Here the counter is reset
//    synchronously, in the same 'element' event that delivers <enabled/>.
//  - its counting middleware sits behind the iq caller, which swallows iq results, so those were
//    never counted either. Here every inbound stanza is counted on the raw 'element' event.
//  - `send()` must resolve only once the server has acknowledged the stanza, which needs a waiter
//    per stanza.
// Resumption state (the id and the inbound count) outlives a connection; everything else is per
// connection and is reset by detach().
import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';

export const NS_SM = 'urn:xmpp:sm:3';

const STANZAS = new Set(['message', 'presence', 'iq']);

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export interface StreamManagementOptions {
  /** How long an <r/> may stay unanswered before the connection counts as dead. */
  ackTimeoutMs: number;
  /** An <r/> goes out this often while enabled, so a silently dead link is noticed. 0: never. */
  keepaliveMs?: number;
  /** Called when the server has not answered an <r/> in time. */
  onDead(reason: string): void;
}

export class StreamManagement {
  private resumeId: string | null = null;
  private inbound = 0;

  private entity: Client | null = null;
  private enabled = false;
  private counting = false;
  private acked = 0;
  private queue: Element[] = [];
  private waiters = new Map<Element, Waiter>();
  private negotiation: { resolve(el: Element): void; reject(err: Error): void } | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  private requestScheduled = false;
  private keepalive: NodeJS.Timeout | null = null;

  constructor(private readonly options: StreamManagementOptions) {}

  get isEnabled(): boolean {
    return this.enabled;
  }

  get canResume(): boolean {
    return this.resumeId !== null;
  }

  /** The inbound count as it would be acknowledged now (for tests and logs). */
  get handledInbound(): number {
    return this.inbound;
  }

  /** Starts watching a new connection: counts every stanza sent and received on it. */
  attach(entity: Client): void {
    this.entity = entity;
    const send = entity.send.bind(entity);
    const sendMany = entity.sendMany.bind(entity);
    entity.send = (element: Element) => {
      this.track(element);
      return send(element);
    };
    entity.sendMany = (elements: Element[]) => {
      for (const element of elements) this.track(element);
      return sendMany(elements);
    };
    entity.on('element', (element: Element) => this.onElement(element));
  }

  /** The connection is gone: every stanza not yet acknowledged fails, resumption state is kept. */
  detach(reason: string): void {
    this.entity = null;
    this.enabled = false;
    this.counting = false;
    this.queue = [];
    this.clearAckTimer();
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    const error = new Error(reason);
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
    this.negotiation?.reject(error);
    this.negotiation = null;
  }

  /** After a clean logout or a fatal error: a later connection starts a new session. */
  forget(): void {
    this.resumeId = null;
    this.inbound = 0;
  }

  /** Tries to resume the previous session; true when it did (then no resource binding happens). */
  async resume(): Promise<boolean> {
    if (!this.resumeId || !this.entity) return false;
    try {
      await this.negotiate(xml('resume', { xmlns: NS_SM, h: this.inbound, previd: this.resumeId }));
      return true;
    } catch {
      this.forget();
      return false;
    }
  }

  /** Enables stream management with resumption; resolves once <enabled/> has arrived. */
  async enable(): Promise<void> {
    this.inbound = 0;
    this.startCounting(0);
    await this.negotiate(xml('enable', { xmlns: NS_SM, resume: 'true' }));
  }

  /** Sends a stanza; resolves when the server has acknowledged it (or when written, without SM). */
  async sendAcknowledged(stanza: Element): Promise<void> {
    const entity = this.entity;
    if (!entity) throw new Error('not connected');
    if (!this.enabled) {
      await entity.send(stanza);
      return;
    }
    const acknowledged = new Promise<void>((resolve, reject) => this.waiters.set(stanza, { resolve, reject }));
    // If the write itself fails, detach() rejects this later with nobody listening.
    acknowledged.catch(() => {});
    try {
      // The <r/> goes out in the same write: the server then acknowledges right after routing the
      // stanza, before any receipt the recipient sends back can arrive. Requested separately, once
      // the write completed, the ack came after bob's receipts in 3 of 10 sends on loopback.
      await entity.sendMany([stanza, xml('r', { xmlns: NS_SM })]);
    } catch (err) {
      this.waiters.delete(stanza);
      throw err;
    }
    this.startAckTimer();
    await acknowledged;
  }

  /** Asks the server for an acknowledgement; a server that stays silent is declared dead. */
  requestAck(): void {
    if (!this.enabled || this.requestScheduled) return;
    this.requestScheduled = true;
    // Coalesces a burst of stanzas into one <r/>.
    queueMicrotask(() => {
      this.requestScheduled = false;
      const entity = this.entity;
      if (!entity || !this.enabled) return;
      entity.send(xml('r', { xmlns: NS_SM })).catch(() => {});
      this.startAckTimer();
    });
  }

  private startAckTimer(): void {
    if (this.ackTimer || !this.enabled) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      this.options.onDead(`the server did not acknowledge within ${this.options.ackTimeoutMs} ms`);
    }, this.options.ackTimeoutMs);
  }

  /** The last <a/> before a clean close (XEP-0198 §4: RECOMMENDED), so the server knows what we got. */
  async sendFinalAck(): Promise<void> {
    if (!this.enabled || !this.entity) return;
    await this.entity.send(xml('a', { xmlns: NS_SM, h: this.inbound })).catch(() => {});
  }

  private startKeepalive(): void {
    const every = this.options.keepaliveMs ?? 0;
    if (!every || this.keepalive) return;
    this.keepalive = setInterval(() => this.requestAck(), every);
    this.keepalive.unref();
  }

  private negotiate(request: Element): Promise<Element> {
    const entity = this.entity;
    if (!entity) return Promise.reject(new Error('not connected'));
    return new Promise<Element>((resolve, reject) => {
      this.negotiation = { resolve, reject };
      entity.send(request).catch(reject);
    });
  }

  private startCounting(from: number): void {
    this.counting = true;
    this.acked = from;
    this.queue = [];
  }

  private track(element: Element): void {
    if (this.counting && STANZAS.has(element.name)) this.queue.push(element);
  }

  private onElement(element: Element): void {
    if (STANZAS.has(element.name)) {
      if (this.enabled) this.inbound = (this.inbound + 1) % 2 ** 32;
      return;
    }
    if (element.getNS() !== NS_SM) return;
    switch (element.name) {
      case 'r':
        if (this.enabled) this.entity?.send(xml('a', { xmlns: NS_SM, h: this.inbound })).catch(() => {});
        return;
      case 'a':
        this.onAck(Number(element.attrs.h));
        return;
      case 'enabled':
        // Synchronously, before the parser emits the stanzas that followed in the same read.
        this.enabled = true;
        this.inbound = 0;
        this.resumeId = element.attrs.resume === 'true' || element.attrs.resume === '1' ? (element.attrs.id ?? null) : null;
        this.startKeepalive();
        this.settle(element, null);
        return;
      case 'resumed':
        // Stanzas of the old stream that the server did not get were already failed by detach():
        // the caller resends them with the same ids, and receivers drop duplicates by id.
        this.enabled = true;
        this.startCounting(Number(element.attrs.h) || 0);
        this.startKeepalive();
        this.settle(element, null);
        return;
      case 'failed':
        this.enabled = false;
        this.counting = false;
        this.settle(null, new Error(`stream management failed: ${element.getChildElements()[0]?.name ?? 'no reason'}`));
        return;
    }
  }

  private settle(element: Element | null, error: Error | null): void {
    const negotiation = this.negotiation;
    this.negotiation = null;
    if (!negotiation) return;
    if (element) negotiation.resolve(element);
    else negotiation.reject(error ?? new Error('stream management failed'));
  }

  private onAck(h: number): void {
    if (!Number.isFinite(h)) return;
    this.clearAckTimer();
    const count = (h - this.acked + 2 ** 32) % 2 ** 32;
    const covered = Math.min(count, this.queue.length);
    this.acked = h;
    for (const stanza of this.queue.splice(0, covered)) {
      this.waiters.get(stanza)?.resolve();
      this.waiters.delete(stanza);
    }
  }

  private clearAckTimer(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }
}
