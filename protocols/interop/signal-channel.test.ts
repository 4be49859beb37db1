// The Signal layer alone (no server): PQXDH through the PEP bundle codec, the Double Ratchet,
// persistence across a restart, replay and tamper detection, prekey replacement, identity events
// and safety numbers.
import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { memoryState } from '../xmpp/test-harness.js';
import { bundleElement, kyberChunkElement, parseBundle, parseKyberChunk, toPreKeyBundle } from './bundle-xml.js';
import { utf8 } from './bytes.js';
import { ONE_TIME_PREKEYS, SIGNED_PREKEY_ROTATION_MS } from './prekeys.js';
import { DecryptError, SignalChannel, type DeviceAddress } from './signal-channel.js';

type Change = { name: string; change: string };

async function device(name: string, state = memoryState()) {
  const changes: Change[] = [];
  const channel = new SignalChannel(state, name, (n, change) => changes.push({ name: n, change }));
  await channel.prekeys.ensure(Date.now());
  return { channel, state, changes, address: { name, deviceId: channel.deviceId } as DeviceAddress };
}

/** A bundle as a peer would read it from PEP: through the XML codec, with a one-time Kyber item. */
async function published(channel: SignalChannel) {
  const bundle = await channel.prekeys.publicBundle();
  const parsed = parseBundle(xml('item', {}, bundleElement(bundle)).getChildElements()[0]);
  const chunk = await channel.prekeys.kyberItems(parsed.kyberIds.slice(0, 10));
  const item = parseKyberChunk(kyberChunkElement(chunk), parsed.kyberIds[3]!);
  expect(item?.id).toBe(parsed.kyberIds[3]);
  return { parsed, bundle: toPreKeyBundle(parsed, item) };
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('SignalChannel', () => {
  it('sets up a session with PQXDH from a published bundle and ratchets both ways', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    const { parsed, bundle } = await published(bob.channel);
    expect(parsed.preKeys).toHaveLength(ONE_TIME_PREKEYS);
    expect(parsed.kyberIds).toHaveLength(ONE_TIME_PREKEYS);

    const first = await alice.channel.encrypt(utf8('hello bob'), [bob.address], async () => bundle);
    expect(first.skipped).toEqual([]);
    expect(first.copies[0]?.kind).toBe('prekey');
    expect(text(await bob.channel.decrypt(alice.address, 'prekey', first.copies[0]!.body))).toBe('hello bob');

    const reply = await bob.channel.encrypt(utf8('hi alice'), [alice.address], async () => null);
    expect(reply.copies[0]?.kind).toBe('signal');
    expect(text(await alice.channel.decrypt(bob.address, 'signal', reply.copies[0]!.body))).toBe('hi alice');
    expect(alice.changes).toEqual([{ name: 'bob@localhost', change: 'first-seen' }]);
    expect(bob.changes).toEqual([{ name: 'alice@localhost', change: 'first-seen' }]);
  });

  it('resumes sessions after a restart from AdapterState alone', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    const { bundle } = await published(bob.channel);
    const first = await alice.channel.encrypt(utf8('one'), [bob.address], async () => bundle);
    await bob.channel.decrypt(alice.address, 'prekey', first.copies[0]!.body);

    const aliceAgain = await device('alice@localhost', alice.state);
    const bobAgain = await device('bob@localhost', bob.state);
    expect(aliceAgain.channel.deviceId).toBe(alice.channel.deviceId);
    const second = await aliceAgain.channel.encrypt(utf8('two'), [bob.address], async () => null);
    // Still a prekey message (bob has not answered yet), but on the restored session: no new PQXDH.
    expect(text(await bobAgain.channel.decrypt(alice.address, second.copies[0]!.kind, second.copies[0]!.body))).toBe('two');
    const reply = await bobAgain.channel.encrypt(utf8('three'), [alice.address], async () => null);
    expect(reply.copies[0]?.kind).toBe('signal');
    expect(text(await aliceAgain.channel.decrypt(bob.address, 'signal', reply.copies[0]!.body))).toBe('three');
  });

  it('rejects a replayed and a tampered ciphertext, telling them apart', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    const { bundle } = await published(bob.channel);
    await bob.channel.decrypt(alice.address, 'prekey', (await alice.channel.encrypt(utf8('setup'), [bob.address], async () => bundle)).copies[0]!.body);
    await alice.channel.decrypt(bob.address, 'signal', (await bob.channel.encrypt(utf8('ack'), [alice.address], async () => null)).copies[0]!.body);
    const message = (await alice.channel.encrypt(utf8('once'), [bob.address], async () => null)).copies[0]!;
    const tampered = new Uint8Array(message.body);
    tampered[tampered.length - 12]! ^= 0x01;
    const bad = await bob.channel.decrypt(alice.address, 'signal', tampered).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DecryptError);
    expect((bad as DecryptError).duplicate).toBe(false);

    expect(text(await bob.channel.decrypt(alice.address, 'signal', message.body))).toBe('once');
    const replay = await bob.channel.decrypt(alice.address, 'signal', message.body).catch((e: unknown) => e);
    expect((replay as DecryptError).duplicate).toBe(true);
  });

  it('replaces a used one-time EC and Kyber prekey', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    const before = await bob.channel.prekeys.publicBundle();
    const { bundle } = await published(bob.channel);
    const first = await alice.channel.encrypt(utf8('x'), [bob.address], async () => bundle);
    await bob.channel.decrypt(alice.address, 'prekey', first.copies[0]!.body);
    const change = await bob.channel.prekeys.replenish();
    const after = await bob.channel.prekeys.publicBundle();
    expect(change?.removedKyber).toHaveLength(1);
    expect(change?.addedKyber).toHaveLength(1);
    expect(after.preKeys).toHaveLength(ONE_TIME_PREKEYS);
    expect(after.kyberIds).toHaveLength(ONE_TIME_PREKEYS);
    const usedEc = before.preKeys.map((p) => p.id).filter((id) => !after.preKeys.some((p) => p.id === id));
    expect(usedEc).toHaveLength(1);
    expect(after.kyberIds).not.toContain(change?.removedKyber[0]);
  });

  it('reports a changed identity key of a contact', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    await alice.channel.encrypt(utf8('a'), [bob.address], async () => (await published(bob.channel)).bundle);
    const reinstalled = await device('bob@localhost');
    const address = { name: 'bob@localhost', deviceId: reinstalled.channel.deviceId === bob.channel.deviceId ? bob.channel.deviceId : reinstalled.channel.deviceId };
    if (address.deviceId === bob.channel.deviceId) await alice.channel.retireSession(address);
    await alice.channel.encrypt(utf8('b'), [address], async () => (await published(reinstalled.channel)).bundle);
    expect(alice.changes.map((c) => c.change)).toEqual(['first-seen', 'changed']);
  });

  it('gives both sides the same 60-digit safety number', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    const { bundle } = await published(bob.channel);
    const first = await alice.channel.encrypt(utf8('x'), [bob.address], async () => bundle);
    await bob.channel.decrypt(alice.address, 'prekey', first.copies[0]!.body);
    const mine = alice.channel.safetyNumber('bob@localhost');
    const theirs = bob.channel.safetyNumber('alice@localhost');
    expect(mine?.digits).toMatch(/^\d{60}$/);
    expect(mine?.digits).toBe(theirs?.digits);
    expect(mine?.scannable.length).toBeGreaterThan(0);
    expect(alice.channel.safetyNumber('carol@localhost')).toBeNull();
  });

  it('rotates the signed prekey and the last-resort Kyber prekey on schedule, and still opens sessions set up with the old ones', async () => {
    const alice = await device('alice@localhost');
    const bob = await device('bob@localhost');
    const before = await bob.channel.prekeys.publicBundle();
    // A bundle fetched before the rotation, used after it (a peer with a stale cache).
    const { bundle: stale } = await published(bob.channel);
    const start = Date.now();
    expect(await bob.channel.prekeys.ensure(start + SIGNED_PREKEY_ROTATION_MS / 2), 'not due yet').toBe(false);
    expect(await bob.channel.prekeys.ensure(start + SIGNED_PREKEY_ROTATION_MS + 1), 'due after the rotation period').toBe(true);
    const after = await bob.channel.prekeys.publicBundle();
    expect(after.signedPreKey.id).not.toBe(before.signedPreKey.id);
    expect(after.lastResort.id).not.toBe(before.lastResort.id);

    const first = await alice.channel.encrypt(utf8('set up with the old signed prekey'), [bob.address], async () => stale);
    expect(text(await bob.channel.decrypt(alice.address, 'prekey', first.copies[0]!.body))).toBe('set up with the old signed prekey');
  });
});
