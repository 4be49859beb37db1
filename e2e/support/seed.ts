// Fills a profile's store before its host starts: a long chat for the timeline and search specs.
// Uses the app's own store and key file, so the host opens it as if it had received the messages.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openStore } from '../../electron/store/index';
import { keyFileSecretBox } from '../../electron/service/secretBox';

export interface SeededChat {
  accountAddress: string;
  chatTitle: string;
  /** The body of message i is `bodyOf(i)`. */
  bodyOf(i: number): string;
}

export function seedLongChat(profile: string, count: number, options: { port: number; specialAt?: Map<number, string> }): SeededChat {
  const store = openStore(join(profile, 'switchboard.sqlite'));
  const accountId = randomUUID();
  const accountAddress = 'carol@localhost';
  store.addAccount({
    id: accountId,
    network: 'xmpp',
    address: accountAddress,
    // Points at a port nobody listens on: the account stays reconnecting, the history stays local.
    settingsJson: JSON.stringify({ password: keyFileSecretBox(profile).seal('unused'), host: '127.0.0.1', port: options.port }),
    createdAt: Date.now(),
  });
  const chatTitle = 'dave@localhost';
  const chat = store.upsertChat(
    accountId,
    {
      address: chatTitle,
      title: chatTitle,
      kind: 'direct',
      inbox: 'native',
      security: { e2ee: false, protocol: null, endsAt: 'server', label: 'Not end-to-end encrypted · the server can read messages' },
    },
    Date.now(),
  );
  const bodyOf = (i: number): string => options.specialAt?.get(i) ?? `Message number ${i} in a very long chat`;
  const start = Date.now() - count * 60_000;
  const batch = 5_000;
  for (let from = 0; from < count; from += batch) {
    const items = [];
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const fromMe = i % 3 === 0;
      items.push({
        chatId: chat.id,
        message: {
          chat: chatTitle,
          networkId: `${fromMe ? accountAddress : chatTitle}/seed-${i}`,
          sender: fromMe ? accountAddress : chatTitle,
          fromMe,
          body: bodyOf(i),
          sentAt: start + i * 60_000,
          historical: true,
        },
      });
    }
    store.insertIncomingBatch(accountId, items);
  }
  store.close();
  return { accountAddress, chatTitle, bodyOf };
}
