// Read markers and message requests against a real Prosody: while a chat is a request, opening it
// (or receiving into it while it is open) tells the sender nothing; accepting sends the read marker.
// XMPP chats are never requests on their own, so the test marks bob's chat pending in his store,
// as the interop channel does for a first message from someone new.

import { describe, expect, it } from 'vitest';
import { call, useLiveProsody, waitForEvent } from './testing/serviceHarness';

const { newService, addXmppAccount } = useLiveProsody({ profilePrefix: 'sb-requests-', users: ['rita', 'sam'] });

describe('read markers and message requests', () => {
  it('a pending chat sends no read marker when opened or read; accepting sends it', async () => {
    const rita = newService();
    const sam = newService();
    const ritaAccount = await addXmppAccount(rita, 'rita');
    const samAccount = await addXmppAccount(sam, 'sam');
    const ritaChat = await call(rita, 'startChat', { accountId: ritaAccount, address: 'sam@localhost' });
    const samChat = await call(sam, 'startChat', { accountId: samAccount, address: 'rita@localhost' });
    sam.store.setRequestState(samChat.id, 'pending');

    const statuses: string[] = [];
    rita.onEvent((e) => {
      if (e.type === 'messageUpdated' && e.message.body === 'are you there?') statuses.push(e.message.status);
    });
    const arrived = waitForEvent(sam, (e) => e.type === 'message' && e.message.body === 'are you there?');
    await call(rita, 'send', { chatId: ritaChat.id, body: 'are you there?' });
    await arrived;
    const opened = await call(sam, 'openChat', { chatId: samChat.id });
    expect(opened.chat).toMatchObject({ requestState: 'pending', unreadCount: 0 });
    const second = waitForEvent(sam, (e) => e.type === 'message' && e.message.body === 'hello?');
    await call(rita, 'send', { chatId: ritaChat.id, body: 'hello?' });
    await second;
    // Long enough for a read marker to travel, if one had been sent.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(statuses).not.toContain('read');
    expect(await sam.call('send', { chatId: samChat.id, body: 'no' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    const read = waitForEvent(rita, (e) => e.type === 'messageUpdated' && e.message.body === 'are you there?' && e.message.status === 'read');
    expect((await call(sam, 'acceptChat', { chatId: samChat.id })).requestState).toBe('accepted');
    await read;
    await rita.stop();
    await sam.stop();
  });
});
