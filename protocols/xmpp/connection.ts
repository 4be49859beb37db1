// One XMPP connection attempt, composed from @xmpp/client-core and the @xmpp modules rather than
// @xmpp/client, because:
//  - @xmpp/starttls hands only {host} to tls.connect, so a private server's CA could only be trusted
//    process-wide; here the account's trustedCa is added to the TLS options of this socket alone,
//    and verification stays on;
//  - the input guard must sit in front of the parser;
//  - XEP-0198 is ours (see stream-management.ts) and session establishment waits for <enabled/>
//    before the session counts as online, so no stanza is sent before stream management is on.
// A connection is used once: the adapter makes a new one for every attempt.
import net from 'node:net';
import tls from 'node:tls';
import { Client, type XmppSocket } from '@xmpp/client-core';
import tcp from '@xmpp/tcp';
import TlsSocket from '@xmpp/tls/lib/Socket.js';
import middlewareFactory, { type Middleware } from '@xmpp/middleware';
import streamFeaturesFactory from '@xmpp/stream-features';
import iqCallerFactory, { type IqCaller } from '@xmpp/iq/caller.js';
import iqCalleeFactory, { type IqCallee } from '@xmpp/iq/callee.js';
import xml, { type Element } from '@xmpp/xml';
import type { Logger } from '../adapter.js';
import { XmlInputGuard } from './input-guard.js';
import { FatalConnectionError } from './errors.js';
import { authenticate, NS_SASL } from './sasl.js';
import type { StreamManagement } from './stream-management.js';
import { NS_SM } from './stream-management.js';
import type { Socks5Proxy } from './socks5.js';
import { socks5Transport } from './socks5-transport.js';

const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

export interface ConnectionParams {
  local: string;
  domain: string;
  password: string;
  resource: string;
  host: string;
  port: number;
  trustedCa?: string;
  /** Tunnel to host:port through this SOCKS5 proxy, which also resolves host: no direct connection, no local DNS. */
  proxy?: Socks5Proxy;
  /** Stream management state shared by all connections of one account (resumption). */
  sm: StreamManagement;
  log: Logger;
  logFields: Record<string, unknown>;
  /** Gives up on an attempt that has not reached online by then. */
  timeoutMs: number;
}

export interface Session {
  resumed: boolean;
  jid: string;
}

export class XmppConnection {
  readonly entity: Client;
  readonly middleware: Middleware;
  readonly iqCaller: IqCaller;
  readonly iqCallee: IqCallee;
  /** Resolves, once, with why the connection ended. */
  readonly closed: Promise<string>;

  private readonly guard = new XmlInputGuard();
  private rawSocket: net.Socket | null = null;
  private tlsSocket: tls.TLSSocket | null = null;
  private closeReason: string | null = null;
  /** Set once input was refused: nothing more reaches the parser. */
  private refused = false;
  private ready: { resolve(s: Session): void; reject(err: unknown): void } | null = null;
  private resolveClosed: (reason: string) => void = () => {};
  private ended = false;

  constructor(private readonly params: ConnectionParams) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    void this.closed.then(() => (this.ended = true));
    const entity = new Client({ domain: params.domain, lang: 'en', timeout: 5_000 });
    this.entity = entity;
    if (params.proxy) socks5Transport(entity, { proxy: params.proxy, loginTimeoutMs: params.timeoutMs });
    else tcp({ entity });
    this.middleware = middlewareFactory({ entity });
    const streamFeatures = streamFeaturesFactory({ middleware: this.middleware });
    this.iqCaller = iqCallerFactory({ middleware: this.middleware, entity });
    this.iqCallee = iqCalleeFactory({ middleware: this.middleware, entity });

    // Feature handlers run in registration order; the first that matches handles the features.
    streamFeatures.use('starttls', NS_TLS, () => this.startTls());
    streamFeatures.use('mechanisms', NS_SASL, async (_ctx, _next, feature) => {
      if (!entity.isSecure()) {
        throw new FatalConnectionError('tls-failure', `${params.domain} did not offer STARTTLS; the password is never sent unencrypted.`);
      }
      await authenticate(feature, params.local, params.password, params.domain, (request) => this.sendNonza(request, NS_SASL));
      await entity.restart();
    });
    streamFeatures.use('bind', NS_BIND, (ctx) => this.establishSession(ctx.stanza));

    entity._onData = (data) => this.onData(data);
    entity.on('opening', () => this.guard.reset());
    entity.on('connect', () => {
      const socket = entity.socket;
      if (socket instanceof net.Socket) {
        this.rawSocket = socket;
        // Nagle's algorithm costs ~45 ms per round trip on small stanzas.
        socket.setNoDelay(true);
      }
    });
    entity.on('error', (err: unknown) => {
      const streamError = err as { name?: string; condition?: string } | null;
      if (streamError?.name === 'StreamError' && !this.closeReason) {
        this.closeReason = `${params.domain} closed the stream (${streamError.condition ?? 'no reason given'})`;
      }
      this.params.log.debug('xmpp connection error', { ...this.params.logFields, error: String(err) });
      this.failReady(err);
    });
    entity.on('disconnect', () => {
      const reason = this.closeReason ?? `the connection to ${params.domain} was closed`;
      this.failReady(new Error(reason));
      this.resolveClosed(reason);
    });
    params.sm.attach(entity);
  }

  /** True once the connection has ended. */
  get isClosed(): boolean {
    return this.ended;
  }

  /** Opens the socket and the stream, negotiates TLS, SASL, binding and stream management. */
  async open(): Promise<Session> {
    const { host, port, domain, timeoutMs } = this.params;
    const session = new Promise<Session>((resolve, reject) => (this.ready = { resolve, reject }));
    session.catch(() => {});
    const timer = setTimeout(() => {
      this.closeReason = `${domain} did not complete the login within ${timeoutMs} ms`;
      this.failReady(new Error(this.closeReason));
      this.destroy();
    }, timeoutMs);
    try {
      const target = host.includes(':') ? `[${host}]` : host;
      await Promise.race([this.entity.connect(`xmpp://${target}:${port}`), session]);
      await Promise.race([this.entity.open({ domain, lang: 'en' }), session]);
      return await session;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the session cleanly (the server forgets it: no resumption), then the socket. */
  async close(): Promise<void> {
    this.closeReason = 'disconnected by the user';
    const done = this.closed;
    await this.params.sm.sendFinalAck();
    this.entity.disconnect().catch(() => {});
    const timer = setTimeout(() => this.destroy(), 3_000);
    await done;
    clearTimeout(timer);
  }

  /** Drops the socket at once. */
  destroy(reason?: string): void {
    if (reason && !this.closeReason) this.closeReason = reason;
    const pending = this.entity.socket instanceof net.Socket ? this.entity.socket : null;
    this.tlsSocket?.destroy();
    (this.rawSocket ?? pending)?.destroy();
    if (!this.rawSocket && !this.tlsSocket && !pending) this.resolveClosed(this.closeReason ?? 'connection abandoned');
  }

  /** Sends without waiting for an acknowledgement (chat states, receipts, presence). */
  send(stanza: Element): Promise<void> {
    return this.entity.send(stanza);
  }

  private onData(data: Buffer | string): void {
    if (this.refused) return;
    const result = this.guard.push(data);
    if (!result.ok) {
      this.refuseInput(result.violation);
      return;
    }
    if (!result.text) return;
    try {
      this.entity.parser?.write(result.text);
    } catch (err) {
      // ltx throws (rather than emitting 'error') on an undefined entity such as &foo; and the
      // throw would escape the socket's 'data' handler and take the whole process down.
      this.refuseInput(`malformed XML (${(err as Error).message})`, 'not-well-formed');
    }
  }

  private refuseInput(violation: string, condition: 'policy-violation' | 'not-well-formed' = 'policy-violation'): void {
    this.refused = true;
    this.closeReason = `${this.params.domain} sent ${violation}; the connection was closed (${condition})`;
    this.params.log.warn('refused hostile XML input', { ...this.params.logFields, violation });
    const error = `<stream:error><${condition} xmlns='${NS_STREAMS}'/></stream:error></stream:stream>`;
    const socket: XmppSocket | null = this.entity.socket;
    try {
      socket?.write(error, () => this.destroy());
    } catch {
      // The socket is already gone.
    }
    // Never wait for a hostile peer to read: drop the socket shortly even if the write stalls.
    setTimeout(() => this.destroy(), 100).unref();
    this.failReady(new Error(this.closeReason));
  }

  private async startTls(): Promise<void> {
    const { entity, params } = this;
    const answer = await this.sendNonza(xml('starttls', { xmlns: NS_TLS }), NS_TLS);
    if (!answer.is('proceed', NS_TLS)) throw new FatalConnectionError('tls-failure', `${params.domain} refused STARTTLS.`);
    const raw = this.rawSocket;
    if (!raw) throw new Error('STARTTLS without a TCP socket');
    const wrapper = new TlsSocket();
    const ca = params.trustedCa ? [...tls.rootCertificates, params.trustedCa] : undefined;
    await new Promise<void>((resolve, reject) => {
      wrapper.once('connect', () => resolve());
      wrapper.once('error', (err) => reject(err));
      // servername: the certificate must name the XMPP domain, wherever host/port pointed us.
      wrapper.connect({ socket: raw, servername: params.domain, host: params.domain, ca });
      this.tlsSocket = wrapper.socket;
    });
    entity._attachSocket(wrapper);
    await entity.restart();
  }

  private sendNonza(request: Element, answerNs: string): Promise<Element> {
    return new Promise((resolve, reject) => {
      // The <features/> being handled is itself emitted as a nonza right after this starts.
      const onNonza = (element: Element): void => {
        if (element.getNS() !== answerNs) return;
        this.entity.off('nonza', onNonza);
        resolve(element);
      };
      this.entity.on('nonza', onNonza);
      this.entity.send(request).catch((err: unknown) => {
        this.entity.off('nonza', onNonza);
        reject(err);
      });
    });
  }

  private async establishSession(features: Element): Promise<void> {
    const { entity, params } = this;
    const smOffered = features.getChild('sm', NS_SM) !== undefined;
    if (smOffered && params.sm.canResume && (await params.sm.resume())) {
      const jid = `${params.local}@${params.domain}/${params.resource}`;
      entity._jid(jid);
      entity._ready(true);
      this.settleReady({ resumed: true, jid });
      return;
    }
    const result = await this.iqCaller.request(
      xml('iq', { type: 'set' }, xml('bind', { xmlns: NS_BIND }, xml('resource', {}, params.resource))),
    );
    const jid = result.getChild('bind', NS_BIND)?.getChildText('jid');
    if (!jid) throw new FatalConnectionError('protocol-error', `${params.domain} bound no resource.`);
    entity._jid(jid);
    if (smOffered) {
      try {
        await params.sm.enable();
      } catch (err) {
        params.log.warn('stream management could not be enabled', { ...params.logFields, error: String(err) });
      }
    }
    entity._ready(false);
    this.settleReady({ resumed: false, jid });
  }

  private settleReady(session: Session): void {
    this.ready?.resolve(session);
    this.ready = null;
  }

  private failReady(err: unknown): void {
    this.ready?.reject(err);
    this.ready = null;
  }
}
