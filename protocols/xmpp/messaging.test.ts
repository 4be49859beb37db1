// Login, 1:1 messaging, receipts, markers, typing, carbons and the trust rules, against a real Prosody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../test/servers/prosody.js';
import type { AdapterEvent } from '../adapter.js';
import { account, caughtUp, online, rawClient, sleep, type TestAccount } from './test-harness.js';

let server: ProsodyServer;
let alice: TestAccount;
let alicePhone: TestAccount;
let bob: TestAccount;

beforeAll(async () => {
  server = await startProsody();
  await Promise.all([server.register('alice', 'alice-pw'), server.register('bob', 'bob-pw')]);
  alice = account(server, 'alice', 'alice-pw', { adapter: { resource: 'laptop' } });
  alicePhone = account(server, 'alice', 'alice-pw');
  bob = account(server, 'bob', 'bob-pw');
  await Promise.all([online(alice), online(alicePhone), online(bob)]);
  await Promise.all([caughtUp(alice), caughtUp(alicePhone), caughtUp(bob)]);
});

afterAll(async () => {
  await Promise.all([alice?.adapter.disconnect(), alicePhone?.adapter.disconnect(), bob?.adapter.disconnect()]);
  await server?.dispose();
});

const isMessage = (body: string) => (e: AdapterEvent): e is Extract<AdapterEvent, { type: 'message' }> =>
  e.type === 'message' && e.message.body === body;

describe('XMPP adapter against Prosody', () => {
  it('logs in with SCRAM over STARTTLS and reports online', () => {
    expect(alice.adapter.state).toEqual({ kind: 'online' });
    expect(alice.events.states().map((s) => s.kind)).toEqual(['connecting', 'online']);
    const logged = JSON.stringify(alice.ctx.lines);
    expect(logged, 'the password must never be logged').not.toContain('alice-pw');
    expect(alice.ctx.lines.every((l) => l.fields?.account === 'alice@localhost' && typeof l.fields?.server === 'string')).toBe(true);
  });

  it('sends a message that bob receives as plain text, once acknowledged by the server', async () => {
    const body = 'hello <b>bob</b> & "friends" \u{1F44B}';
    const result = await alice.adapter.send('Bob@localhost', { clientId: 'msg-1', body });
    expect(result.networkId).toBe('alice@localhost/msg-1');
    const got = await bob.events.waitFor('bob to receive msg-1', isMessage(body));
    expect(got.message).toMatchObject({
      chat: 'alice@localhost', networkId: 'alice@localhost/msg-1', sender: 'alice@localhost', fromMe: false, historical: false,
    });
    const chatEvent = bob.events.events.findIndex((e) => e.type === 'chat' && e.chat.address === 'alice@localhost');
    expect(chatEvent, 'a chat event must precede the first message of a new chat').toBeGreaterThanOrEqual(0);
    expect(chatEvent).toBeLessThan(bob.events.events.indexOf(got));
    const chat = bob.events.events[chatEvent];
    expect(chat?.type === 'chat' && chat.chat.security.label).toBe('Not end-to-end encrypted · the server can read messages');
  });

  it('is idempotent by clientId', async () => {
    const first = await alice.adapter.send('bob@localhost', { clientId: 'msg-dup', body: 'only once' });
    const again = await alice.adapter.send('bob@localhost', { clientId: 'msg-dup', body: 'only once' });
    expect(again).toEqual(first);
    await bob.events.waitFor('msg-dup', isMessage('only once'));
    await sleep(100);
    expect(bob.events.messages((m) => m.body === 'only once')).toHaveLength(1);
  });

  it('gets a delivery receipt and a displayed marker back', async () => {
    await alice.adapter.send('bob@localhost', { clientId: 'msg-receipt', body: 'please confirm' });
    const delivered = await alice.events.waitFor('a delivered receipt for msg-receipt', (e) =>
      e.type === 'receipt' && e.status === 'delivered' && e.targetNetworkIds.includes('alice@localhost/msg-receipt'));
    expect(delivered).toMatchObject({ chat: 'bob@localhost' });

    const got = await bob.events.waitFor('msg-receipt at bob', isMessage('please confirm'));
    await bob.adapter.markRead('alice@localhost', got.message.networkId);
    await alice.events.waitFor('a read receipt for msg-receipt', (e) =>
      e.type === 'receipt' && e.status === 'read' && e.targetNetworkIds.includes('alice@localhost/msg-receipt'));
  });

  it('resolves send() before any receipt for that message can arrive', async () => {
    // The service records the networkId when send() resolves; a receipt arriving earlier would
    // find nothing to update. Bob reads every message the moment it arrives.
    const stopReading = bob.adapter.onEvent((e) => {
      if (e.type === 'message' && e.message.body.startsWith('race ')) void bob.adapter.markRead(e.message.chat, e.message.networkId);
    });
    try {
      for (let i = 0; i < 30; i++) {
        const id = `alice@localhost/race-${i}`;
        const early = () => alice.events.events.filter((e) => e.type === 'receipt' && e.targetNetworkIds.includes(id)).length;
        await alice.adapter.send('bob@localhost', { clientId: `race-${i}`, body: `race ${i}` });
        expect(early(), `a receipt for message ${i} arrived before the server acknowledged it`).toBe(0);
      }
      await alice.events.waitFor('the last read receipt', (e) => e.type === 'receipt' && e.status === 'read' && e.targetNetworkIds.includes('alice@localhost/race-29'));
    } finally {
      stopReading();
    }
  });

  it('shows typing both ways', async () => {
    await bob.adapter.setTyping('alice@localhost', 'composing');
    await alice.events.waitFor('bob composing', (e) => e.type === 'typing' && e.from === 'bob@localhost' && e.state === 'composing');
    await bob.adapter.setTyping('alice@localhost', 'paused');
    await alice.events.waitFor('bob paused', (e) => e.type === 'typing' && e.from === 'bob@localhost' && e.state === 'paused');
  });

  it('copies a message sent from one of alice’s devices to the other (carbons)', async () => {
    await alice.adapter.send('bob@localhost', { clientId: 'from-laptop', body: 'sent on the laptop' });
    const copy = await alicePhone.events.waitFor('the sent carbon on alice’s phone', isMessage('sent on the laptop'));
    expect(copy.message).toMatchObject({
      chat: 'bob@localhost', fromMe: true, clientId: 'from-laptop', networkId: 'alice@localhost/from-laptop', historical: false,
    });
    await bob.adapter.send('alice@localhost', { clientId: 'to-both', body: 'to all of alice' });
    await alicePhone.events.waitFor('bob’s message on alice’s phone', isMessage('to all of alice'));
    await alice.events.waitFor('bob’s message on alice’s laptop', isMessage('to all of alice'));
  });

  it('ignores a forged carbon sent by bob that claims to be alice’s own message', async () => {
    const mallory = await rawClient(server, 'bob', 'bob-pw');
    try {
      await mallory.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'forge' },
        xml('sent', { xmlns: 'urn:xmpp:carbons:2' },
          xml('forwarded', { xmlns: 'urn:xmpp:forward:0' },
            xml('message', { xmlns: 'jabber:client', from: 'alice@localhost/laptop', to: 'carol@localhost', id: 'forged-1', type: 'chat' },
              xml('body', {}, 'forged words'))))));
      // Stanzas from one sender arrive in order: once this one is in, the forgery was processed.
      await mallory.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'after-forge' }, xml('body', {}, 'after the forgery')));
      await alice.events.waitFor('the message after the forgery', isMessage('after the forgery'));
      expect(alice.events.messages((m) => m.body === 'forged words'), 'a forged carbon was accepted').toHaveLength(0);
      expect(alice.ctx.lines.some((l) => l.msg === 'ignored a forged carbon')).toBe(true);
    } finally {
      await mallory.close();
    }
  });

  it('applies corrections and retractions only to the sender’s own messages', async () => {
    const raw = await rawClient(server, 'bob', 'bob-pw');
    try {
      await raw.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'orig-1' }, xml('body', {}, 'helo')));
      await raw.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'fix-1' },
        xml('body', {}, 'hello'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'orig-1' })));
      await raw.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'del-1' },
        xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'orig-1' }), xml('body', {}, 'retracted')));
      const edit = await alice.events.waitFor('the correction', (e) => e.type === 'edit');
      expect(edit).toMatchObject({ chat: 'bob@localhost', targetNetworkId: 'bob@localhost/orig-1', body: 'hello' });
      const del = await alice.events.waitFor('the retraction', (e) => e.type === 'delete');
      expect(del).toMatchObject({ chat: 'bob@localhost', targetNetworkId: 'bob@localhost/orig-1' });
      // Bob naming alice's message msg-1 can only ever name "bob@localhost/msg-1", never alice's.
      await raw.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'fix-2' },
        xml('body', {}, 'hijack'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'msg-1' })));
      const hijack = await alice.events.waitFor('the second correction', (e) => e.type === 'edit' && e.body === 'hijack');
      expect(hijack).toMatchObject({ targetNetworkId: 'bob@localhost/msg-1' });
    } finally {
      await raw.close();
    }
  });

  it('normalizes addresses and starts chats', async () => {
    expect(alice.adapter.normalize('Carol@LocalHost/res')).toBe('carol@localhost');
    expect(() => alice.adapter.normalize('not an address@')).toThrow(/server|allowed/);
    const chat = await alice.adapter.startChat('Carol@localhost');
    expect(chat).toMatchObject({ address: 'carol@localhost', title: 'carol@localhost', kind: 'direct', inbox: 'native' });
  });

  it('goes offline with wrong-password and does not retry', async () => {
    const wrong = account(server, 'alice', 'not-the-password');
    await wrong.adapter.connect();
    expect(wrong.adapter.state).toMatchObject({ kind: 'offline', reason: 'wrong-password' });
    await sleep(300);
    expect(wrong.events.states().map((s) => s.kind), 'a wrong password must not be retried').toEqual(['connecting', 'offline']);
    expect(JSON.stringify(wrong.ctx.lines)).not.toContain('not-the-password');
  });

  it('goes offline with tls-failure when the server certificate is not trusted, and does not retry', async () => {
    const untrusting = account(server, 'alice', 'alice-pw', { trustedCa: null });
    await untrusting.adapter.connect();
    expect(untrusting.adapter.state).toMatchObject({ kind: 'offline', reason: 'tls-failure' });
    await sleep(300);
    expect(untrusting.events.states().map((s) => s.kind)).toEqual(['connecting', 'offline']);
  });

  it('ignores a roster push that does not come from alice’s own account', async () => {
    const raw = await rawClient(server, 'bob', 'bob-pw');
    try {
      const answer = raw.iqCaller.request(xml('iq', { type: 'set', to: 'alice@localhost/laptop' }, xml('query', { xmlns: 'jabber:iq:roster' },
        xml('item', { jid: 'eve@localhost', name: 'Trust me' }))));
      await expect(answer, 'the forged roster push must be refused').rejects.toThrow();
      expect(alice.ctx.lines.some((l) => l.msg === 'ignored a roster push from another entity'), 'the adapter itself must have refused it').toBe(true);
      expect(alice.events.events.some((e) => e.type === 'chat' && e.chat.address === 'eve@localhost')).toBe(false);
    } finally {
      await raw.close();
    }
  });

  it('announces roster contacts as chats, with their names', async () => {
    const raw = await rawClient(server, 'alice', 'alice-pw');
    try {
      await raw.iqCaller.request(xml('iq', { type: 'set' }, xml('query', { xmlns: 'jabber:iq:roster' },
        xml('item', { jid: 'dave@localhost', name: 'Dave' }))));
      await alice.events.waitFor('the roster push for dave', (e) => e.type === 'chat' && e.chat.address === 'dave@localhost' && e.chat.title === 'Dave');
    } finally {
      await raw.close();
    }
  });
});
