// What the channel does against a hostile network or server: replays are dropped, a tampered
// ciphertext becomes an `undecryptable` event plus a request for a fresh session (and a resend),
// a contact's changed identity key is reported, and the server stores nothing readable.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import type { XmppConnection } from '../xmpp/connection.js';
import { toB64 } from './bytes.js';
import { SignalChannel } from './signal-channel.js';
import { ENVELOPE_VERSION, encodeEnvelope } from './envelope.js';
import { NS_INTEROP } from './namespaces.js';
import { archived, caughtUp, device, isMessage, online, rawClient, sleep, type Device } from './test-harness.js';

let server: ProsodyServer;
let alice: Device;
let bob: Device;
let rawAlice: XmppConnection;
let rawBob: XmppConnection;
const FAST_LISTS = { deviceListMaxAgeMs: 200 };

beforeAll(async () => {
  server = await startProsody();
  await Promise.all([server.register('alice', 'alice-pw'), server.register('bob', 'bob-pw')]);
  alice = device(server, 'alice', 'alice-pw', { adapter: FAST_LISTS });
  bob = device(server, 'bob', 'bob-pw', { adapter: FAST_LISTS });
  await Promise.all([online(alice), online(bob)]);
  await Promise.all([caughtUp(alice), caughtUp(bob)]);
  [rawAlice, rawBob] = await Promise.all([rawClient(server, 'alice', 'alice-pw'), rawClient(server, 'bob', 'bob-pw')]);
  await bob.adapter.send('alice@localhost', { clientId: 'setup-1', body: 'rhubarb crumble' });
  await alice.events.waitFor('setup-1', isMessage('rhubarb crumble'));
  await alice.adapter.send('bob@localhost', { clientId: 'setup-2', body: 'custard please' });
  await bob.events.waitFor('setup-2', isMessage('custard please'));
  await bob.adapter.send('alice@localhost', { clientId: 'setup-3', body: 'marmalade sandwich' });
  await alice.events.waitFor('setup-3', isMessage('marmalade sandwich'));
});

afterAll(async () => {
  await Promise.all([rawAlice?.close().catch(() => {}), rawBob?.close().catch(() => {})]);
  await Promise.all([alice?.adapter.disconnect(), bob?.adapter.disconnect()]);
  await server?.dispose();
});

/** Bob's newest message to alice as the server archived it: its <encrypted/> element. */
async function lastFromBob(): Promise<{ id: string; encrypted: Element }> {
  const items = await archived(rawAlice, 'alice@localhost', 'bob@localhost');
  const msg = items.map((i) => i.forwarded.getChild('message')).reverse()
    .find((m) => m?.attrs.from?.startsWith('bob@localhost') && m.getChild('encrypted', NS_INTEROP) && m.getChild('body'));
  const encrypted = msg?.getChild('encrypted', NS_INTEROP);
  if (!msg?.attrs.id || !encrypted) throw new Error('no message from bob in alice\'s archive');
  return { id: msg.attrs.id, encrypted };
}

function fromBobRaw(id: string, encrypted: Element): Promise<void> {
  return rawBob.send(xml('message', { to: 'alice@localhost', type: 'chat', id }, encrypted, xml('store', { xmlns: 'urn:xmpp:hints' })));
}

/**
 * A message bob's device really encrypted (the next step of its ratchet, made here from bob's own
 * state) with one bit flipped on the way, as a hostile server would. It has to be a fresh one: an
 * altered copy of a message alice already decrypted is caught earlier, as a replay.
 */
async function tamperedFromBob(): Promise<Element> {
  const bobDevice = new SignalChannel(bob.state, 'bob@localhost', () => {});
  const plaintext = encodeEnvelope({ v: ENVELOPE_VERSION, sentAt: Date.now(), text: 'never readable' });
  const { copies: [copy] } = await bobDevice.encrypt(plaintext, [{ name: 'alice@localhost', deviceId: alice.adapter.deviceId }], async () => null);
  if (!copy) throw new Error('bob could not encrypt to alice');
  const bytes = new Uint8Array(copy.body);
  bytes[bytes.length - 20]! ^= 0x04;
  return xml('encrypted', { xmlns: NS_INTEROP, sid: String(bob.adapter.deviceId) },
    xml('key', { jid: 'alice@localhost', rid: String(alice.adapter.deviceId), kind: copy.kind }, toB64(bytes)));
}

const undecryptable = (d: Device) => d.events.events.filter((e) => e.type === 'undecryptable');

describe('interop channel under attack', () => {
  it('drops a replayed stanza and a replayed ciphertext under a new id, without a word', async () => {
    const { id, encrypted } = await lastFromBob();
    const before = alice.events.messages().length;
    await fromBobRaw(id, encrypted);
    await fromBobRaw('replayed-under-new-id', encrypted);
    const deadline = Date.now() + 5_000;
    while (!alice.ctx.lines.some((l) => l.msg === 'dropped a replayed ciphertext') && Date.now() < deadline) await sleep(20);
    expect(alice.ctx.lines.some((l) => l.msg === 'dropped a message already processed' && l.fields?.networkId === `bob@localhost/${id}`)).toBe(true);
    expect(alice.ctx.lines.some((l) => l.msg === 'dropped a replayed ciphertext')).toBe(true);
    expect(alice.events.messages().length).toBe(before);
    expect(undecryptable(alice)).toEqual([]);
  });

  it('rejects a tampered ciphertext, asks for a fresh session, and gets the message resent', async () => {
    // The envelope bob's adapter would resend for 'resend-1' (its sent window, in its state).
    const envelope = encodeEnvelope({ v: ENVELOPE_VERSION, sentAt: Date.now(), text: 'sent again through a fresh session' });
    bob.state.set('resend.v.resend-1', JSON.stringify({ to: 'alice@localhost', envelope: toB64(envelope) }));
    await fromBobRaw('resend-1', await tamperedFromBob());

    const failure = await alice.events.waitFor('an undecryptable event', (e) => e.type === 'undecryptable');
    expect(failure).toMatchObject({ chat: 'bob@localhost', networkId: 'bob@localhost/resend-1', sender: 'bob@localhost' });
    const resent = await alice.events.waitFor('the resent message', isMessage('sent again through a fresh session'));
    expect(resent.message.networkId).toBe('bob@localhost/resend-1');
    expect(bob.ctx.lines.some((l) => l.msg === 'a device asked for a fresh session' && l.fields?.resent === true)).toBe(true);

    // And the conversation goes on, over the new session.
    await bob.adapter.send('alice@localhost', { clientId: 'after-tamper', body: 'still talking' });
    await alice.events.waitFor('after-tamper', isMessage('still talking'));
    await alice.adapter.send('bob@localhost', { clientId: 'after-tamper-2', body: 'me too' });
    await bob.events.waitFor('after-tamper-2', isMessage('me too'));
    expect(undecryptable(alice)).toHaveLength(1);
    expect(undecryptable(bob)).toEqual([]);
  });

  it('gives both sides the same safety number', async () => {
    const mine = await alice.adapter.safetyNumber('bob@localhost');
    const theirs = await bob.adapter.safetyNumber('alice@localhost');
    expect(mine.digits).toMatch(/^\d{60}$/);
    expect(mine.digits).toBe(theirs.digits);
    expect(mine.scannable.length).toBeGreaterThan(0);
    expect(alice.adapter.ownAddress()).toBe('alice@localhost');
  });

  it('stores nothing readable on the server: archive and offline messages hold only ciphertext', async () => {
    await bob.adapter.disconnect();
    await rawBob.close();
    const key = toB64(Buffer.alloc(32, 7));
    const digest = toB64(Buffer.alloc(32, 9));
    await alice.adapter.send('bob@localhost', { clientId: 'offline-1', body: 'pumpernickel while you were away' });
    await alice.adapter.send('bob@localhost', { clientId: 'offline-2', body: 'holiday photo', attachments: [
      { kind: 'image', mime: 'image/jpeg', size: 1234, name: 'photo.jpg', ref: JSON.stringify({ url: 'http://127.0.0.1:1/upload/photo.bin', key, digest }) },
    ] });
    const files = await allFiles(join(server.dir, 'data'));
    const stored = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
    const relative = files.map((f) => f.slice(server.dir.length));
    expect(relative.some((f) => /archive/.test(f)), `archive files: ${relative.join(', ')}`).toBe(true);
    expect(relative.some((f) => /offline/.test(f)), `offline files: ${relative.join(', ')}`).toBe(true);
    expect(stored, 'the stored stanzas are there (encrypted)').toContain(NS_INTEROP);
    for (const word of ['rhubarb', 'crumble', 'custard', 'marmalade', 'sandwich', 'talking', 'pumpernickel', 'holiday', 'photo.jpg', key, digest]) {
      expect(stored.includes(word), `"${word}" is readable in the server's storage`).toBe(false);
    }

    // Bob's device catches up from the archive and decrypts what it missed.
    const back = device(server, 'bob', 'bob-pw', { adapter: FAST_LISTS, prefill: bob.state.data });
    try {
      await online(back);
      const got = await back.events.waitFor('offline-1 after catch-up', isMessage('pumpernickel while you were away'));
      expect(got.message.historical).toBe(true);
      const photo = await back.events.waitFor('offline-2 after catch-up', isMessage('holiday photo'));
      expect(photo.message.attachments).toEqual([{ kind: 'image', mime: 'image/jpeg', size: 1234, name: 'photo.jpg', ref: expect.any(String) }]);
      expect(JSON.parse(photo.message.attachments?.[0]?.ref ?? '')).toEqual({ url: 'http://127.0.0.1:1/upload/photo.bin', key, digest });
    } finally {
      await back.adapter.disconnect();
    }
  });

  it('reports a contact\'s changed identity key', async () => {
    const before = await alice.adapter.safetyNumber('bob@localhost');
    // Bob reinstalls: a new identity key and a new device.
    const reinstalled = device(server, 'bob', 'bob-pw', { adapter: FAST_LISTS });
    try {
      await online(reinstalled);
      await sleep(FAST_LISTS.deviceListMaxAgeMs + 50);
      await alice.adapter.send('bob@localhost', { clientId: 'to-new-bob', body: 'who is this?' });
      const change = await alice.events.waitFor('an identity change', (e) => e.type === 'identity' && e.change === 'changed');
      expect(change).toMatchObject({ chat: 'bob@localhost' });
      await reinstalled.events.waitFor('the reinstalled device to read it', isMessage('who is this?'));
      expect((await alice.adapter.safetyNumber('bob@localhost')).digits).not.toBe(before.digits);
    } finally {
      await reinstalled.adapter.disconnect();
    }
  });
});

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}
