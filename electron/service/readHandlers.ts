// The requests that only read the store: the chat list, paging a timeline and search. They change
// no state of the service, so they live apart from the ones that drive accounts and the outbox.

import type { Method, Params, Results } from '../api/contract';
import type { ChatRow, Store } from '../store/types';
import type { MessageViews } from './messageViews';
import { chatView } from './views';

type ReadMethod = 'listChats' | 'loadOlder' | 'loadNewer' | 'search';
export type ReadHandlers = { [M in ReadMethod & Method]: (params: Params<M>) => Results[M] };

export const DEFAULT_PAGE = 50;

/** `storeOf` is a getter: the service builds its handlers before its constructor opens the store. */
export function readHandlers(storeOf: () => Store, chatOrThrow: (chatId: number) => ChatRow, views: MessageViews): ReadHandlers {
  return {
    listChats: ({ limit, includeArchived }) =>
      storeOf().listChats({ limit, includeArchived: includeArchived ?? false }).map(chatView),

    loadOlder: ({ chatId, before, limit }) => {
      chatOrThrow(chatId);
      const page = storeOf().listMessages(chatId, before, limit ?? DEFAULT_PAGE);
      return { messages: views.page(page.messages), olderCursor: page.olderCursor, newerCursor: null };
    },

    loadNewer: ({ chatId, after, limit }) => {
      chatOrThrow(chatId);
      const n = limit ?? DEFAULT_PAGE;
      // One more than asked tells whether a newer page exists without a second query.
      const rows = storeOf().listMessagesAfter(chatId, after, n + 1);
      const messages = rows.slice(0, n);
      const last = messages.at(-1);
      return {
        messages: views.page(messages),
        olderCursor: null,
        newerCursor: rows.length > n && last ? { sentAt: last.sentAt, id: last.id } : null,
      };
    },

    search: ({ query, limit }) =>
      storeOf().search(query, limit ?? 50).map((hit) => ({
        messageId: hit.message.id,
        chatId: hit.chatId,
        chatTitle: hit.chatTitle,
        sender: hit.message.senderName ?? hit.message.sender,
        fromMe: hit.message.fromMe,
        body: hit.message.body,
        sentAt: hit.message.sentAt,
      })),
  };
}
