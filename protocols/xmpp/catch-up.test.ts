// XEP-0313 catch-up on connect and history pages, against a real Prosody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import { account, caughtUp, memoryState, online, type TestAccount } from './test-harness.js';

let server: ProsodyServer;
let alice: TestAccount;

beforeAll(async () => {
  server = await startProsody();
  await Promise.all([server.register('alice', 'alice-pw'), server.register('bob', 'bob-pw'), server.register('carol', 'carol-pw')]);
  alice = account(server, 'alice', 'alice-pw');
  await online(alice);
  await caughtUp(alice);
});

afterAll(async () => {
  await alice?.adapter.disconnect();
  await server?.dispose();
});

describe('archive catch-up (XEP-0313)', () => {
  it('gives bob exactly the messages sent while he was offline, in order, once', async () => {
    const bobState = memoryState();
    const first = account(server, 'bob', 'bob-pw', { state: bobState });
    await online(first);
    await caughtUp(first);
    await first.adapter.disconnect();

    for (const n of [1, 2, 3]) await alice.adapter.send('bob@localhost', { clientId: `offline-${n}`, body: `while you were out ${n}` });

    const second = account(server, 'bob', 'bob-pw', { state: bobState });
    await online(second);
    await caughtUp(second);
    const got = second.events.messages();
    expect(got.map((m) => m.body), 'bob must get the three offline messages, in order, and nothing else').toEqual(
      ['while you were out 1', 'while you were out 2', 'while you were out 3']);
    expect(got.every((m) => m.historical && !m.fromMe && m.chat === 'alice@localhost')).toBe(true);
    expect(got.map((m) => m.networkId)).toEqual(['alice@localhost/offline-1', 'alice@localhost/offline-2', 'alice@localhost/offline-3']);
    expect(bobState.get('mam.last'), 'the archive cursor must be stored').toBeTruthy();
    await alice.adapter.send('bob@localhost', { clientId: 'live-after-catch-up', body: 'live now' });
    await alice.events.waitFor('a receipt for the live message', (e) => e.type === 'receipt' && e.targetNetworkIds.includes('alice@localhost/live-after-catch-up'));
    const receiptsForArchived = alice.events.events.filter((e) => e.type === 'receipt' && e.targetNetworkIds.some((id) => id.includes('/offline-')));
    expect(receiptsForArchived, 'archived messages must not be answered with receipts').toEqual([]);
    await second.adapter.disconnect();

    const third = account(server, 'bob', 'bob-pw', { state: bobState });
    await online(third);
    await caughtUp(third);
    expect(third.events.messages(), 'a second catch-up must not repeat anything').toEqual([]);
    await third.adapter.disconnect();
  });

  it('delivers live (not as history) a message sent the moment the receiver reports online', async () => {
    // 'online' comes only once the server has processed bob's presence; a message sent earlier
    // would go to the archive and arrive through the catch-up, marked historical (no notification).
    const bobState = memoryState();
    for (let round = 0; round < 8; round++) {
      const bob = account(server, 'bob', 'bob-pw', { state: bobState });
      await bob.adapter.connect();
      expect(bob.adapter.state.kind).toBe('online');
      await alice.adapter.send('bob@localhost', { clientId: `instant-${round}`, body: `instant ${round}` });
      const got = await bob.events.waitFor(`instant ${round}`, (e) => e.type === 'message' && e.message.body === `instant ${round}`);
      expect(got.type === 'message' && got.message.historical, `round ${round}: the message came through the archive, not live`).toBe(false);
      await caughtUp(bob);
      await bob.adapter.disconnect();
    }
  });

  it('includes own messages from the archive as fromMe with their clientId', async () => {
    const fresh = account(server, 'alice', 'alice-pw');
    await online(fresh);
    await caughtUp(fresh);
    const own = fresh.events.messages((m) => m.networkId === 'alice@localhost/offline-2');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ fromMe: true, clientId: 'offline-2', chat: 'bob@localhost', historical: true });
    await fresh.adapter.disconnect();
  });

  it('takes only the newest 200 on the very first connect, paging past Prosody’s 50 per page', async () => {
    const carol = account(server, 'carol', 'carol-pw');
    await online(carol);
    await caughtUp(carol);
    await Promise.all(Array.from({ length: 230 }, (_, i) =>
      carol.adapter.send('alice@localhost', { clientId: `bulk-${String(i).padStart(3, '0')}`, body: `bulk ${i}` })));
    await carol.adapter.disconnect();

    const newDevice = account(server, 'carol', 'carol-pw');
    await online(newDevice);
    await caughtUp(newDevice, 1, 10_000);
    const got = newDevice.events.messages();
    expect(got).toHaveLength(200);
    expect(got[0]?.body).toBe('bulk 30');
    expect(got[199]?.body).toBe('bulk 229');

    const page = await newDevice.adapter.fetchHistory('alice@localhost', null, 20);
    expect(page.messages.map((m) => m.body)).toEqual(Array.from({ length: 20 }, (_, i) => `bulk ${210 + i}`));
    expect(page.before).toBeTruthy();
    const older = await newDevice.adapter.fetchHistory('alice@localhost', page.before, 20);
    expect(older.messages[19]?.body).toBe('bulk 209');
    await newDevice.adapter.disconnect();
  });
});
