// Going through a SOCKS5 proxy (test/servers/socks5.ts) to the real Prosody: login, messages both
// ways and end-to-end TLS through the tunnel, and every way the proxy can fail mapped to a state that
// names the proxy, without hanging and without the proxy's password in any state or log line.
//
// Most cases drive the adapter's own connection loop (ConnectionKeeper creating XmppConnections,
// the states are what the adapter emits) with the proxy in ConnectionParams, to reach each failure
// directly; one case goes through XmppAdapter with AccountSettings.proxy.
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import { startSocks5, type Socks5Server } from '../../test/servers/socks5.js';
import type { ConnectionState } from '../adapter.js';
import { ConnectionKeeper } from './connection-keeper.js';
import { XmppConnection } from './connection.js';
import type { Socks5Proxy } from './socks5.js';
import { StreamManagement } from './stream-management.js';
import { account, FAST_RECONNECT, memoryContext, online, type TestAccount } from './test-harness.js';

const PROXY_USER = 'switchboard';
const PROXY_PASSWORD = 'proxy-secret-4711';

let server: ProsodyServer;
let bob: TestAccount;

beforeAll(async () => {
  server = await startProsody();
  await Promise.all(['alice', 'bob'].map((u) => server.register(u, `${u}-pw`)));
  bob = account(server, 'bob', 'bob-pw');
  await online(bob);
});

afterAll(async () => {
  await bob?.adapter.disconnect();
  await server?.dispose();
});

/** Alice's account through a proxy, kept connected by the adapter's connection loop. */
class ProxiedAccount {
  readonly ctx = memoryContext();
  readonly states: ConnectionState[] = [];
  readonly stanzas: Element[] = [];
  readonly keeper: ConnectionKeeper;
  private readonly sm: StreamManagement;

  constructor(proxy: Socks5Proxy, options: { loginTimeoutMs?: number; trustedCa?: string | null; host?: string } = {}) {
    this.sm = new StreamManagement({ ackTimeoutMs: 30_000, onDead: (reason) => this.keeper.drop(reason) });
    const serverName = `localhost:${server.c2sPort}`;
    this.keeper = new ConnectionKeeper({
      create: () => {
        const connection = new XmppConnection({
          local: 'alice',
          domain: server.domain,
          password: 'alice-pw',
          resource: 'proxied',
          // By name: the proxy resolves it (the test proxy records how it was asked).
          host: options.host ?? 'localhost',
          port: server.c2sPort,
          ...(options.trustedCa === null ? {} : { trustedCa: options.trustedCa ?? server.caPem }),
          proxy,
          sm: this.sm,
          log: this.ctx.log,
          logFields: { account: 'alice@localhost', server: serverName },
          timeoutMs: options.loginTimeoutMs ?? 10_000,
        });
        connection.entity.on('stanza', (stanza: Element) => this.stanzas.push(stanza));
        return connection;
      },
      prepare: (connection) => connection.send(xml('presence', {})),
      lost: (reason) => this.sm.detach(reason),
      gaveUp: () => this.sm.forget(),
      setState: (state) => this.states.push(state),
      log: (level, msg, fields) => this.ctx.log[level](msg, fields),
    }, FAST_RECONNECT, () => Date.now(), serverName);
  }

  get connection(): XmppConnection {
    const connection = this.keeper.online;
    if (!connection) throw new Error(`alice is not online; states: ${this.describeStates()}`);
    return connection;
  }

  /** Waits for a state recorded after `from` (an index into states) that matches. */
  async waitForState(what: string, match: (s: ConnectionState) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<ConnectionState> {
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (;;) {
      const found = this.states.slice(options.from ?? 0).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; states: ${this.describeStates()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Everything the account said: states and log lines, as one string to search for secrets. */
  transcript(): string {
    return JSON.stringify({ states: this.states, log: this.ctx.lines });
  }

  describeStates(): string {
    return this.states.map((s) => (s.kind === 'reconnecting' ? `reconnecting(${s.reason})` : s.kind === 'offline' ? `offline(${s.reason}: ${s.detail})` : s.kind)).join(', ');
  }

  stop(): Promise<boolean> {
    return this.keeper.stop();
  }
}

const isOnline = (s: ConnectionState): boolean => s.kind === 'online';
const reconnectingWith = (pattern: RegExp) => (s: ConnectionState): boolean => s.kind === 'reconnecting' && pattern.test(s.reason);

function proxyOf(socks: Socks5Server, login?: { username: string; password: string }): Socks5Proxy {
  return { host: socks.host, port: socks.port, ...login };
}

async function startProxy(withLogin = true): Promise<Socks5Server> {
  return startSocks5(withLogin ? { username: PROXY_USER, password: PROXY_PASSWORD } : {});
}

function messageTo(to: string, id: string, body: string): Element {
  return xml('message', { to, type: 'chat', id }, xml('body', {}, body));
}

async function received(alice: ProxiedAccount, body: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!alice.stanzas.some((s) => s.is('message') && s.getChildText('body') === body)) {
    if (Date.now() > deadline) throw new Error(`alice never received "${body}" through the proxy`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('XMPP through a SOCKS5 proxy', () => {
  it('logs in with the proxy user name and password, sends and receives; the proxy carried it, by name', async () => {
    const socks = await startProxy();
    const alice = new ProxiedAccount(proxyOf(socks, { username: PROXY_USER, password: PROXY_PASSWORD }));
    try {
      await alice.keeper.start();
      await alice.waitForState('online through the proxy', isOnline);

      expect(socks.targets, 'the proxy must have been asked for the XMPP server by name (it resolves it)')
        .toEqual([{ host: 'localhost', port: server.c2sPort, addressType: 'domain' }]);
      expect(socks.connections).toBe(1);
      expect(socks.openTunnels).toBe(1);

      await alice.connection.send(messageTo('bob@localhost', 'via-proxy-1', 'hello through the proxy'));
      const got = await bob.events.waitFor('alice\'s message through the proxy', (e) => e.type === 'message' && e.message.body === 'hello through the proxy');
      expect(got.type === 'message' && got.message.sender).toBe('alice@localhost');

      await bob.adapter.send('alice@localhost', { clientId: 'to-proxied-alice', body: 'and back through the proxy' });
      await received(alice, 'and back through the proxy');
      expect(alice.transcript()).not.toContain(PROXY_PASSWORD);
    } finally {
      await alice.stop();
      await socks.dispose();
    }
  });

  it('is used by XmppAdapter when the account settings name a proxy', async () => {
    const socks = await startProxy();
    const carol = account(server, 'alice', 'alice-pw', { host: 'localhost', proxy: proxyOf(socks, { username: PROXY_USER, password: PROXY_PASSWORD }) });
    try {
      await online(carol);
      expect(socks.targets, 'the adapter connected through the proxy').toEqual([{ host: 'localhost', port: server.c2sPort, addressType: 'domain' }]);
      await carol.adapter.send('bob@localhost', { clientId: 'adapter-via-proxy', body: 'the adapter went through the proxy' });
      await bob.events.waitFor('the proxied adapter\'s message', (e) => e.type === 'message' && e.message.body === 'the adapter went through the proxy');
      expect(carol.ctx.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain(PROXY_PASSWORD);
    } finally {
      await carol.adapter.disconnect();
      await socks.dispose();
    }
  });

  it('runs TLS end to end through the tunnel, checking the certificate against the XMPP domain', async () => {
    const socks = await startProxy(false);
    const alice = new ProxiedAccount(proxyOf(socks));
    const untrusting = new ProxiedAccount(proxyOf(socks), { trustedCa: null });
    try {
      await alice.keeper.start();
      await alice.waitForState('online through the proxy', isOnline);
      const { entity } = alice.connection;
      expect(entity.isSecure()).toBe(true);
      const tlsSocket = (entity.socket as unknown as { socket: TLSSocket }).socket;
      expect(tlsSocket.authorized, 'the server certificate must have been verified').toBe(true);
      expect(tlsSocket.getPeerCertificate().subjectaltname).toContain('DNS:localhost');

      // Without the server's CA the same path fails on the certificate: TLS is not the proxy's.
      await untrusting.keeper.start();
      const state = await untrusting.waitForState('offline for the certificate', (s) => s.kind === 'offline');
      expect(state).toMatchObject({ kind: 'offline', reason: 'tls-failure' });
      expect(state.kind === 'offline' && state.detail).toMatch(/certificate of localhost:\d+ could not be verified/);
    } finally {
      await Promise.all([alice.stop(), untrusting.stop()]);
      await socks.dispose();
    }
  });

  it('reports a wrong proxy password as the proxy refusing the log-in, keeps retrying, never logs the password', async () => {
    const socks = await startProxy();
    const wrongPassword = 'not-the-proxy-password-1234';
    const alice = new ProxiedAccount(proxyOf(socks, { username: PROXY_USER, password: wrongPassword }));
    try {
      await alice.keeper.start();
      const state = await alice.waitForState('reconnecting after the proxy refused the log-in', (s) => s.kind === 'reconnecting');
      expect(state.kind === 'reconnecting' && state.reason)
        .toBe(`localhost:${server.c2sPort}: SOCKS5 proxy 127.0.0.1:${socks.port} refused the user name and password (status 1).`);
      await alice.waitForState('a second attempt', (s) => s.kind === 'reconnecting' && s.attempt >= 2);
      expect(socks.authFailures).toBeGreaterThanOrEqual(2);
      expect(socks.targets, 'nothing may be tunnelled without a log-in').toEqual([]);
      expect(alice.transcript()).not.toContain(wrongPassword);
    } finally {
      await alice.stop();
      await socks.dispose();
    }
  });

  it('goes reconnecting with the proxy named while the proxy is down, and online again once it is back', async () => {
    const socks = await startProxy();
    const alice = new ProxiedAccount(proxyOf(socks, { username: PROXY_USER, password: PROXY_PASSWORD }));
    try {
      await alice.keeper.start();
      await alice.waitForState('online through the proxy', isOnline);
      const before = alice.states.length;

      await socks.stop();
      const down = await alice.waitForState('reconnecting naming the stopped proxy',
        reconnectingWith(new RegExp(`SOCKS5 proxy 127\\.0\\.0\\.1:${socks.port} refused the connection: nothing accepts connections there \\(ECONNREFUSED\\)`)),
        { from: before });
      expect(down.kind).toBe('reconnecting');
      expect(alice.keeper.online, 'no connection may count as online while the proxy is down').toBeNull();

      const downAt = alice.states.length;
      await socks.start();
      await alice.waitForState('online once the proxy is back', isOnline, { from: downAt, timeoutMs: 10_000 });
      expect(socks.targets.length, 'the new connection must go through the proxy too').toBeGreaterThanOrEqual(2);

      await alice.connection.send(messageTo('bob@localhost', 'via-proxy-2', 'back through the proxy'));
      await bob.events.waitFor('a message after the proxy came back', (e) => e.type === 'message' && e.message.body === 'back through the proxy');
      expect(alice.transcript()).not.toContain(PROXY_PASSWORD);
    } finally {
      await alice.stop();
      await socks.dispose();
    }
  });

  it('names the proxy when it refuses the CONNECT, or cannot reach the server itself', async () => {
    const socks = await startProxy(false);
    const alice = new ProxiedAccount(proxyOf(socks));
    try {
      socks.refuse(2);
      await alice.keeper.start();
      await alice.waitForState('reconnecting because the proxy does not allow the connection', reconnectingWith(
        new RegExp(`SOCKS5 proxy 127\\.0\\.0\\.1:${socks.port} refused the connection to localhost:${server.c2sPort}: connection not allowed by its rules \\(reply 2\\)`)));

      // The proxy's own attempt fails: it answers "connection refused" (5), which is the server, via the proxy.
      socks.serve();
      const from = alice.states.length;
      await server.stop();
      await alice.waitForState('reconnecting because the proxy could not reach the server', reconnectingWith(
        /refused the connection to localhost:\d+: connection refused by the destination \(reply 5\)/), { from, timeoutMs: 10_000 });
      await server.start();
      await alice.waitForState('online once the server is back', isOnline, { timeoutMs: 10_000 });
    } finally {
      await alice.stop();
      await socks.dispose();
    }
  });

  it('leaves name resolution to the proxy: a name that does not resolve is the proxy\'s answer, not a local DNS error', async () => {
    const socks = await startProxy(false);
    const alice = new ProxiedAccount(proxyOf(socks), { host: 'xmpp.switchboard.invalid' });
    try {
      await alice.keeper.start();
      const state = await alice.waitForState('reconnecting with the proxy\'s answer', (s) => s.kind === 'reconnecting');
      expect(state.kind === 'reconnecting' && state.reason).toMatch(
        /SOCKS5 proxy 127\.0\.0\.1:\d+ refused the connection to xmpp\.switchboard\.invalid:\d+: host unreachable \(reply 4\)/);
      expect(socks.targets[0]).toEqual({ host: 'xmpp.switchboard.invalid', port: server.c2sPort, addressType: 'domain' });
    } finally {
      await alice.stop();
      await socks.dispose();
    }
  });

  it('does not hang on a proxy that accepts the connection and never answers', async () => {
    const socks = await startProxy(false);
    socks.stall();
    const alice = new ProxiedAccount(proxyOf(socks), { loginTimeoutMs: 800 });
    try {
      const started = Date.now();
      await alice.keeper.start();
      const state = await alice.waitForState('reconnecting after the proxy stalled', (s) => s.kind === 'reconnecting', { timeoutMs: 3_000 });
      expect(state.kind === 'reconnecting' && state.reason)
        .toMatch(new RegExp(`SOCKS5 proxy 127\\.0\\.0\\.1:${socks.port} did not open the tunnel within 600 ms \\(it was to send its choice of authentication method\\)`));
      expect(Date.now() - started).toBeLessThan(2_000);
      socks.serve();
      await alice.waitForState('online once the proxy answers', isOnline, { timeoutMs: 10_000 });
    } finally {
      await alice.stop();
      await socks.dispose();
    }
  });
});
