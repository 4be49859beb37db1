// Two interop accounts with two devices each on a private Prosody: sessions, copies to every device
// (own other devices included), receipts and typing inside the envelope, prekey replacement, 1,000
// messages both ways in order, and a third device that appears later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import type { XmppConnection } from '../xmpp/connection.js';
import { parseDevices } from './bundle-xml.js';
import { CURRENT, DEVICES_NODE } from './namespaces.js';
import { fetchItems } from './pep.js';
import { ONE_TIME_PREKEYS } from './prekeys.js';
import {
  bodies, caughtUp, device, isMessage, online, publishedBundle, rawClient, sleep, waitForCount, type Device,
} from './test-harness.js';

let server: ProsodyServer;
let alice1: Device;
let alice2: Device;
let bob1: Device;
let bob2: Device;
let raw: XmppConnection;
const FAST_LISTS = { deviceListMaxAgeMs: 300 };

beforeAll(async () => {
  server = await startProsody();
  await Promise.all([server.register('alice', 'alice-pw'), server.register('bob', 'bob-pw'), server.register('carol', 'carol-pw')]);
  alice1 = device(server, 'alice', 'alice-pw', { adapter: FAST_LISTS });
  bob1 = device(server, 'bob', 'bob-pw', { adapter: FAST_LISTS });
  // Devices of one account come up one after another, as linking does (the device list is one PEP item).
  await online(alice1);
  alice2 = device(server, 'alice', 'alice-pw', { linkedTo: alice1, adapter: FAST_LISTS });
  await online(bob1);
  bob2 = device(server, 'bob', 'bob-pw', { linkedTo: bob1, adapter: FAST_LISTS });
  await Promise.all([online(alice2), online(bob2)]);
  await Promise.all([alice1, alice2, bob1, bob2].map((d) => caughtUp(d)));
  raw = await rawClient(server, 'carol', 'carol-pw');
});

afterAll(async () => {
  await raw?.close().catch(() => {});
  await Promise.all([alice1, alice2, bob1, bob2].map((d) => d?.adapter.disconnect()));
  await server?.dispose();
});

describe('interop channel against Prosody', () => {
  it('reaches every device of the contact and the sender\'s other device with one stanza', async () => {
    const bundleBefore = await publishedBundle(raw, 'bob@localhost', bob1.adapter.deviceId);
    const result = await alice1.adapter.send('bob@localhost', { clientId: 'hello-1', body: 'hello bob' });
    expect(result.networkId).toBe('alice@localhost/hello-1');
    for (const d of [bob1, bob2]) {
      const got = await d.events.waitFor(`bob device ${d.adapter.deviceId} to get hello-1`, isMessage('hello bob'));
      expect(got.message).toMatchObject({ chat: 'alice@localhost', networkId: 'alice@localhost/hello-1', fromMe: false, historical: false });
    }
    const own = await alice2.events.waitFor('alice\'s other device to get her own message', isMessage('hello bob'));
    expect(own.message).toMatchObject({ chat: 'bob@localhost', fromMe: true, clientId: 'hello-1', networkId: 'alice@localhost/hello-1' });

    const chat = bob1.events.events.find((e) => e.type === 'chat');
    expect(chat?.type === 'chat' && chat.chat).toMatchObject({
      address: 'alice@localhost', inbox: 'interop',
      security: { e2ee: true, protocol: 'Signal Protocol', endsAt: 'recipient-device', label: 'End-to-end encrypted · Signal Protocol' },
    });
    expect(bob1.events.events.some((e) => e.type === 'identity' && e.chat === 'alice@localhost' && e.change === 'first-seen')).toBe(true);

    await alice1.events.waitFor('a delivered receipt for hello-1', (e) =>
      e.type === 'receipt' && e.status === 'delivered' && e.targetNetworkIds.includes('alice@localhost/hello-1'));

    // The one-time prekey alice's PQXDH used is gone from bob's bundle and has been replaced.
    let after = bundleBefore;
    for (let i = 0; i < 100 && after.preKeys.every((p) => bundleBefore.preKeys.some((b) => b.id === p.id)); i++) {
      await sleep(20);
      after = await publishedBundle(raw, 'bob@localhost', bob1.adapter.deviceId);
    }
    const gone = bundleBefore.preKeys.filter((p) => !after.preKeys.some((a) => a.id === p.id));
    expect(gone, 'exactly one one-time EC prekey was used and replaced').toHaveLength(1);
    expect(after.preKeys).toHaveLength(ONE_TIME_PREKEYS);
    expect(after.kyberIds).toHaveLength(ONE_TIME_PREKEYS);
    expect(bundleBefore.kyberIds.filter((id) => !after.kyberIds.includes(id))).toHaveLength(1);
  });

  it('carries read receipts and typing inside the envelope, and not to an unaccepted chat', async () => {
    await bob1.adapter.send('alice@localhost', { clientId: 'reply-1', body: 'hi alice' });
    const got = await alice1.events.waitFor('reply-1 at alice', isMessage('hi alice'));
    await alice1.adapter.markRead('bob@localhost', got.message.networkId);
    await bob1.events.waitFor('a read receipt for reply-1', (e) =>
      e.type === 'receipt' && e.status === 'read' && e.targetNetworkIds.includes('bob@localhost/reply-1'));
    await alice1.adapter.setTyping('bob@localhost', 'composing');
    await bob1.events.waitFor('alice typing', (e) => e.type === 'typing' && e.from === 'alice@localhost' && e.state === 'composing');

    // Acceptance is the account's (the service answers for every device of it).
    alice1.ctx.accepted = new Set();
    alice2.ctx.accepted = new Set();
    try {
      const before = bob1.events.events.length;
      await bob1.adapter.send('alice@localhost', { clientId: 'request-1', body: 'are you there?' });
      await alice1.events.waitFor('request-1', isMessage('are you there?'));
      await alice1.adapter.setTyping('bob@localhost', 'composing');
      await alice1.adapter.markRead('bob@localhost', 'bob@localhost/request-1');
      await sleep(300);
      // Receipts for reply-1, sent while the chat was still accepted, may arrive late (they are
      // batched): only what concerns the unaccepted request counts.
      const later = bob1.events.events.slice(before);
      const leaked = later.filter((e) =>
        (e.type === 'receipt' && e.targetNetworkIds.some((id) => id !== 'bob@localhost/reply-1')) || e.type === 'typing');
      expect(leaked, 'nothing goes back to an unaccepted chat').toEqual([]);
    } finally {
      alice1.ctx.accepted = null;
      alice2.ctx.accepted = null;
    }
  });

  it('is idempotent by clientId', async () => {
    const [a, b] = await Promise.all([
      alice1.adapter.send('bob@localhost', { clientId: 'dup-1', body: 'only once' }),
      alice1.adapter.send('bob@localhost', { clientId: 'dup-1', body: 'only once' }),
    ]);
    expect(b).toEqual(a);
    expect(await alice1.adapter.send('bob@localhost', { clientId: 'dup-1', body: 'only once' })).toEqual(a);
    await bob1.events.waitFor('dup-1', isMessage('only once'));
    await sleep(200);
    expect(bodies(bob1, (m) => m.body === 'only once')).toHaveLength(1);
  });

  it('gives a device that appears later the next message', async () => {
    const alice3 = device(server, 'alice', 'alice-pw', { linkedTo: alice1, adapter: FAST_LISTS });
    try {
      await online(alice3);
      await caughtUp(alice3);
      await sleep(FAST_LISTS.deviceListMaxAgeMs + 50);
      await bob2.adapter.send('alice@localhost', { clientId: 'later-1', body: 'for every alice device' });
      const got = await alice3.events.waitFor('the new device to get later-1', isMessage('for every alice device'));
      expect(got.message).toMatchObject({ networkId: 'bob@localhost/later-1', fromMe: false });
      await alice1.adapter.send('bob@localhost', { clientId: 'later-2', body: 'from alice 1' });
      const own = await alice3.events.waitFor('the new device to get alice\'s own later-2', isMessage('from alice 1'));
      expect(own.message.fromMe).toBe(true);
      // Messages from before it existed were not for it: skipped, not reported as undecryptable.
      expect(alice3.events.events.some((e) => e.type === 'undecryptable')).toBe(false);
      // Unlinked again, the device leaves the list, so nobody keeps encrypting to it.
      await alice3.adapter.unlink();
      const list = await fetchItems(raw.iqCaller, 'alice@localhost', DEVICES_NODE, [CURRENT]);
      expect(parseDevices(list[0]).sort()).toEqual([alice1.adapter.deviceId, alice2.adapter.deviceId].sort());
    } finally {
      await alice3.adapter.disconnect();
    }
  });

  it('resumes its sessions after a restart with the same state', async () => {
    await bob1.adapter.disconnect();
    const restarted = device(server, 'bob', 'bob-pw', { adapter: FAST_LISTS, prefill: bob1.state.data });
    expect(restarted.adapter.deviceId).toBe(bob1.adapter.deviceId);
    bob1 = restarted; // the tests after this one go on with the restarted installation
    await online(restarted);
    await caughtUp(restarted);
    await alice1.adapter.send('bob@localhost', { clientId: 'after-restart', body: 'still there?' });
    await restarted.events.waitFor('after-restart at the restarted device', isMessage('still there?'));
    expect(restarted.events.events.some((e) => e.type === 'undecryptable')).toBe(false);
  });
  it('exchanges 1,000 messages each way, in order, on every device', async () => {
    const n = 1_000;
    const started = Date.now();
    await Promise.all([
      Promise.all(Array.from({ length: n }, (_, i) => alice1.adapter.send('bob@localhost', { clientId: `a2b-${i}`, body: `a2b ${i}` }))),
      Promise.all(Array.from({ length: n }, (_, i) => bob1.adapter.send('alice@localhost', { clientId: `b2a-${i}`, body: `b2a ${i}` }))),
    ]);
    const expectA2b = Array.from({ length: n }, (_, i) => `a2b ${i}`);
    const expectB2a = Array.from({ length: n }, (_, i) => `b2a ${i}`);
    const a2b = (m: { body: string }) => m.body.startsWith('a2b ');
    const b2a = (m: { body: string }) => m.body.startsWith('b2a ');
    for (const d of [bob1, bob2, alice2]) await waitForCount(d, 'alice\'s 1,000', a2b, n);
    for (const d of [alice1, alice2, bob2]) await waitForCount(d, 'bob\'s 1,000', b2a, n);
    for (const d of [bob1, bob2, alice2]) expect(bodies(d, a2b)).toEqual(expectA2b);
    for (const d of [alice1, alice2, bob2]) expect(bodies(d, b2a)).toEqual(expectB2a);
    expect(alice1.events.events.some((e) => e.type === 'undecryptable')).toBe(false);
    console.log(`1,000 messages each way to 3 devices: ${Date.now() - started} ms`);
  }, 90_000);
});
