// Losing the server: restart mid-session, a server that dies with a message in flight, resuming
// after a dropped link, and the stream-management counter under repeated logins.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import type { IncomingMessage } from '../adapter.js';
import { account, caughtUp, memoryState, online, sleep } from './test-harness.js';

let server: ProsodyServer;

beforeAll(async () => {
  server = await startProsody();
  await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => server.register(u, `${u}-pw`)));
});

afterAll(async () => {
  await server?.dispose();
});

/** What the service does on receipt: keep the first copy of every networkId. */
function dedup(messages: IncomingMessage[]): IncomingMessage[] {
  const seen = new Map<string, IncomingMessage>();
  for (const m of messages) if (!seen.has(m.networkId)) seen.set(m.networkId, m);
  return [...seen.values()];
}

describe('reconnecting', () => {
  it('rides out a server restart: reconnecting → online, the outbox resend delivers exactly once', async () => {
    const alice = account(server, 'alice', 'alice-pw');
    const bob = account(server, 'bob', 'bob-pw');
    try {
      await Promise.all([online(alice), online(bob)]);
      await Promise.all([caughtUp(alice), caughtUp(bob)]);
      await alice.adapter.send('bob@localhost', { clientId: 'before-restart', body: 'one' });
      await bob.events.waitFor('the first message', (e) => e.type === 'message' && e.message.body === 'one');

      await server.stop();
      const event = await alice.events.waitFor('alice reconnecting', (e) => e.type === 'state' && e.state.kind === 'reconnecting');
      const reconnecting = event.type === 'state' ? event.state : null;
      expect(reconnecting).toMatchObject({ kind: 'reconnecting', attempt: 1 });
      expect(reconnecting?.kind === 'reconnecting' && reconnecting.retryAt).toBeGreaterThan(Date.now() - 2_000);
      expect(reconnecting?.kind === 'reconnecting' && reconnecting.reason.length).toBeGreaterThan(0);
      await expect(alice.adapter.send('bob@localhost', { clientId: 'during-outage', body: 'two' }),
        'a send while the server is down must reject so the outbox keeps it').rejects.toThrow(/not connected/);

      const backOnline = Promise.all([alice.events.waitForState('online', 10_000), bob.events.waitForState('online', 10_000)]);
      await server.start();
      await backOnline;
      await Promise.all([caughtUp(alice, 2), caughtUp(bob, 2)]);

      // The outbox resends whatever it had queued, with the same client ids.
      await alice.adapter.send('bob@localhost', { clientId: 'during-outage', body: 'two' });
      await alice.adapter.send('bob@localhost', { clientId: 'before-restart', body: 'one' });
      await bob.events.waitFor('the message sent during the outage', (e) => e.type === 'message' && e.message.body === 'two');
      await sleep(200);
      const bodies = dedup(bob.events.messages((m) => m.chat === 'alice@localhost')).map((m) => m.body);
      expect(bodies, 'bob must see every message exactly once after dedup by networkId').toEqual(['one', 'two']);
      const kinds = alice.events.states().map((s) => s.kind);
      expect(kinds.slice(0, 2)).toEqual(['connecting', 'online']);
      expect(kinds.at(-1)).toBe('online');
      expect(kinds).toContain('reconnecting');
    } finally {
      await Promise.all([alice.adapter.disconnect(), bob.adapter.disconnect()]);
    }
  });

  it('rejects a send whose acknowledgement never comes because the server died, and delivers the resend', async () => {
    const carol = account(server, 'carol', 'carol-pw');
    const dave = account(server, 'dave', 'dave-pw');
    try {
      await Promise.all([online(carol), online(dave)]);
      await Promise.all([caughtUp(carol), caughtUp(dave)]);
      server.freeze();
      const inFlight = carol.adapter.send('dave@localhost', { clientId: 'in-flight', body: 'are you there' });
      let settled = false;
      void inFlight.then(() => (settled = true), () => (settled = true));
      await sleep(150);
      expect(settled, 'send resolved although the server never acknowledged it').toBe(false);
      await server.kill();
      await expect(inFlight).rejects.toThrow(/dropped before the server confirmed/);

      const backOnline = Promise.all([carol.events.waitForState('online', 10_000), dave.events.waitForState('online', 10_000)]);
      await server.start();
      await backOnline;
      await Promise.all([caughtUp(carol, 2), caughtUp(dave, 2)]);
      const result = await carol.adapter.send('dave@localhost', { clientId: 'in-flight', body: 'are you there' });
      expect(result.networkId).toBe('carol@localhost/in-flight');
      await dave.events.waitFor('the resent message', (e) => e.type === 'message' && e.message.body === 'are you there');
      expect(dedup(dave.events.messages()).filter((m) => m.body === 'are you there')).toHaveLength(1);
    } finally {
      server.thaw();
      await Promise.all([carol.adapter.disconnect(), dave.adapter.disconnect()]);
    }
  });

  it('notices a server that hangs (unanswered keepalive) and comes back when it recovers', async () => {
    const carol = account(server, 'carol', 'carol-pw', { adapter: { keepaliveMs: 150, ackTimeoutMs: 300, loginTimeoutMs: 800 } });
    try {
      await online(carol);
      await caughtUp(carol);
      server.freeze();
      const event = await carol.events.waitFor('reconnecting after the server hung', (e) => e.type === 'state' && e.state.kind === 'reconnecting', 3_000);
      expect(event.type === 'state' && event.state.kind === 'reconnecting' && event.state.reason).toMatch(/did not acknowledge/);
      server.thaw();
      await carol.events.waitForState('online', 10_000);
    } finally {
      server.thaw();
      await carol.adapter.disconnect();
    }
  });

  it('resumes the stream-management session after the link drops, and gets what arrived meanwhile', async () => {
    const link = await cuttableProxy(server.c2sPort);
    const alice = account(server, 'alice', 'alice-pw', { port: link.port });
    const bob = account(server, 'bob', 'bob-pw');
    try {
      await Promise.all([online(alice), online(bob)]);
      await Promise.all([caughtUp(alice), caughtUp(bob)]);
      link.cut();
      await alice.events.waitForState('reconnecting');
      await bob.adapter.send('alice@localhost', { clientId: 'while-cut', body: 'did you miss me' });
      await alice.events.waitForState('online', 10_000);
      const got = await alice.events.waitFor('the message sent while the link was down', (e) => e.type === 'message' && e.message.body === 'did you miss me');
      expect(got.type === 'message' && got.message.networkId).toBe('bob@localhost/while-cut');
      expect(alice.ctx.lines.some((l) => l.msg === 'session resumed'), 'the session should have been resumed (XEP-0198)').toBe(true);
      // The resumed stream still counts correctly: the server would close it on a wrong <a h/>.
      await bob.adapter.send('alice@localhost', { clientId: 'after-resume', body: 'still here' });
      await alice.events.waitFor('a message after resumption', (e) => e.type === 'message' && e.message.body === 'still here');
      await alice.adapter.send('bob@localhost', { clientId: 'reply-after-resume', body: 'yes' });
    } finally {
      await Promise.all([alice.adapter.disconnect(), bob.adapter.disconnect()]);
      link.close();
    }
  });

  it('keeps the stream up over repeated logins with stanzas waiting (stream-management counter)', async () => {
    const bobState = memoryState();
    const alice = account(server, 'alice', 'alice-pw');
    try {
      await online(alice);
      await caughtUp(alice);
      for (let round = 0; round < 5; round++) {
        for (const n of [1, 2, 3]) await alice.adapter.send('bob@localhost', { clientId: `r${round}-${n}`, body: `round ${round} #${n}` });
        const bob = account(server, 'bob', 'bob-pw', { state: bobState });
        await online(bob);
        await caughtUp(bob);
        await alice.adapter.send('bob@localhost', { clientId: `r${round}-live`, body: `round ${round} live` });
        await bob.events.waitFor(`round ${round}'s live message`, (e) => e.type === 'message' && e.message.body === `round ${round} live`);
        // Make Prosody request acks and judge our counts: it closes the stream on a wrong <a h/>.
        await bob.adapter.send('alice@localhost', { clientId: `r${round}-ack`, body: `ack ${round}` });
        await sleep(50);
        expect(bob.events.states().map((s) => s.kind), `bob's stream broke in round ${round}`).toEqual(['connecting', 'online']);
        expect(bob.events.messages().filter((m) => m.body.startsWith(`round ${round} #`)).length).toBe(3);
        await bob.adapter.disconnect();
      }
    } finally {
      await alice.adapter.disconnect();
    }
  });
});

/** A TCP relay on 127.0.0.1 whose connections the test can cut, like a network that drops. */
async function cuttableProxy(targetPort: number): Promise<{ port: number; cut(): void; close(): void }> {
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut: () => { for (const s of sockets) s.destroy(); },
    close: () => { for (const s of sockets) s.destroy(); proxy.close(); },
  };
}
