// Fault injection: a hostile TCP endpoint on 127.0.0.1 that speaks just enough XMPP to get the
// adapter to parse what it sends next. No Prosody here: a real server never sends these bytes.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { XmppAdapter } from './index.js';
import { FAST_RECONNECT, memoryContext, Recorder } from './test-harness.js';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='evil' version='1.0'>";

interface Hostile {
  port: number;
  connections: number;
  /** Everything the adapter sent, per connection. */
  received: string[];
  close(): void;
}

/** Answers every stream header with `attack(socket)`. */
async function hostileServer(attack: (socket: net.Socket) => void): Promise<Hostile> {
  const sockets = new Set<net.Socket>();
  const state: Hostile = { port: 0, connections: 0, received: [], close: () => {} };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const index = state.connections++;
    state.received[index] = '';
    let attacked = false;
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data) => {
      state.received[index] += data.toString();
      if (!attacked && state.received[index]?.includes('<stream:stream')) {
        attacked = true;
        attack(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  state.close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return state;
}

/** Writes `chunk` until the peer goes away or `limit` bytes were sent. */
function flood(socket: net.Socket, chunk: string, limit: number): void {
  let sent = 0;
  const pump = (): void => {
    while (!socket.destroyed && sent < limit) {
      sent += chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

const attacks: Array<[string, (s: net.Socket) => void, RegExp, string?]> = [
  ['a DOCTYPE with an entity (billion laughs)', (s) => s.write(
    "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>" + HEADER.slice(21)), /DOCTYPE/],
  ['an entity declaration inside a stanza', (s) => s.write(HEADER + '<message><!ENTITY x "y"></message>'), /entity declaration/],
  ['a processing instruction', (s) => s.write(HEADER + '<?evil please?>'), /processing instruction/],
  ['elements nested 10,000 deep', (s) => s.write(HEADER + '<message>' + '<a>'.repeat(10_000)), /nested deeper/],
  ['a stanza that never ends (16 MiB of body)', (s) => {
    s.write(HEADER + '<message><body>');
    flood(s, 'A'.repeat(64 * 1024), 16 * 1024 * 1024);
  }, /larger than/],
  // ltx throws on this one; unguarded, the throw escapes the socket handler and kills the process.
  ['an undefined entity reference', (s) => s.write(HEADER + '<message><body>&foo;</body></message>'), /Illegal XML entity/, 'not-well-formed'],
];

describe('hostile input', () => {
  it.each(attacks)('answers %s with a stream error, closes and reconnects', async (_name, attack, reason, condition = 'policy-violation') => {
    const hostile = await hostileServer(attack);
    cleanup.push(() => hostile.close());
    const ctx = memoryContext();
    const adapter = new XmppAdapter({ address: 'victim@localhost', password: 'pw', host: '127.0.0.1', port: hostile.port }, ctx,
      { reconnect: FAST_RECONNECT });
    const events = new Recorder(adapter);
    cleanup.push(() => adapter.disconnect());

    await adapter.connect();
    const event = await events.waitFor('reconnecting after the hostile input', (e) => e.type === 'state' && e.state.kind === 'reconnecting');
    const state = event.type === 'state' ? event.state : null;
    expect(state?.kind === 'reconnecting' && state.reason, 'the reason should name the violation').toMatch(reason);
    const deadline = Date.now() + 5_000;
    while ((hostile.connections < 2 || !hostile.received[0]?.includes(condition)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(hostile.received[0], `the adapter must send a ${condition} stream error`).toContain(condition);
    expect(hostile.connections, 'the adapter must reconnect after refusing the input').toBeGreaterThanOrEqual(2);
    expect(ctx.lines.some((l) => l.msg === 'refused hostile XML input')).toBe(true);

    await adapter.disconnect();
    expect(adapter.state).toMatchObject({ kind: 'offline', reason: 'stopped' });
    const connections = hostile.connections;
    await new Promise((r) => setTimeout(r, 300));
    expect(hostile.connections, 'no reconnect after disconnect()').toBe(connections);
  });
});
