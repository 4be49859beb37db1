// The media requests of the contract: send files, download, cancel, retry, mark played. Each
// answers with the attachment (or messages) as they are now; later changes arrive as events.

import { randomUUID } from 'node:crypto';
import type { ProtocolAdapter } from '../../protocols/adapter';
import type { CoreEvent, Params, Results } from '../api/contract';
import type { AttachmentRow, ChatRow, MessageRow, Store } from '../store/types';
import type { Media } from './media';
import { CANCELLED } from './mediaUploads';
import { cannotSendFilesMessage, cannotSendKindMessage, limitMessage } from './mediaWords';
import type { MessageViews } from './messageViews';
import { networkNames } from './networks';
import { ServiceError } from './serviceError';
import { chatView } from './views';

type MediaMethod = 'sendAttachments' | 'downloadAttachment' | 'cancelTransfer' | 'retryTransfer' | 'markPlayed';
export type MediaHandlers = { [M in MediaMethod]: (params: Params<M>) => Promise<Results[M]> | Results[M] };

/** `storeOf`/`mediaOf` are getters: the service builds its handlers before its constructor runs. */
export interface MediaHandlerDeps {
  storeOf(): Store;
  mediaOf(): Media;
  views: MessageViews;
  emit(event: CoreEvent): void;
  adapterFor(accountId: string): ProtocolAdapter | undefined;
  whyNoAdapter(accountId: string): string;
  acceptedChatOrThrow(chatId: number): ChatRow;
  kickOutbox(accountId: string): void;
}

export function mediaHandlers(deps: MediaHandlerDeps): MediaHandlers {
  function attachmentAndMessage(attachmentId: number): { attachment: AttachmentRow; message: MessageRow } {
    const store = deps.storeOf();
    const attachment = store.getAttachment(attachmentId);
    const message = attachment && store.getMessage(attachment.messageId);
    if (!attachment || !message) throw new ServiceError('not-found', 'That file no longer exists.');
    return { attachment, message };
  }

  return {
    sendAttachments: ({ chatId, caption, items }) => {
      const store = deps.storeOf();
      const media = deps.mediaOf();
      const chat = deps.acceptedChatOrThrow(chatId);
      const network = networkNames[chat.network];
      const adapter = deps.adapterFor(chat.accountId);
      if (!adapter) throw new ServiceError('unavailable', deps.whyNoAdapter(chat.accountId));
      const limits = adapter.upload ? adapter.info.capabilities.attachmentLimits : null;
      if (!limits) throw new ServiceError('unavailable', cannotSendFilesMessage(network, store.getAccount(chat.accountId)?.address ?? 'This account'));
      // Every file is checked before anything is stored: a refusal leaves the chat as it was.
      const sized = items.map((item) => {
        const size = media.cache.sizeOf(item.stagedId);
        if (size === undefined) throw new ServiceError('not-found', `“${item.name}” is no longer ready to send. Attach it again.`);
        const limit = limits[item.kind];
        if (limit === undefined) throw new ServiceError('invalid-request', cannotSendKindMessage(item.kind, network));
        if (size > limit) throw new ServiceError('too-large', `${item.name}: ${limitMessage(item.kind, network, limit, size)}`);
        return { item, size };
      });
      const now = Date.now();
      const rows = sized.map(({ item, size }, i) =>
        store.queueOutgoing({
          chatId,
          clientId: randomUUID(),
          // One message per file; the caption goes with the first.
          body: i === 0 ? (caption ?? '').trim() : '',
          now,
          attachments: [
            {
              kind: item.kind,
              mime: item.mime,
              size,
              name: item.name,
              contentHash: item.stagedId,
              ...(item.width !== undefined ? { width: item.width } : {}),
              ...(item.height !== undefined ? { height: item.height } : {}),
              ...(item.durationMs !== undefined ? { durationMs: item.durationMs } : {}),
              ...(item.waveform !== undefined ? { waveform: item.waveform } : {}),
              ...(item.thumbnail !== undefined ? { thumbnail: item.thumbnail } : {}),
            },
          ],
        }),
      );
      store.setDraft(chatId, '');
      const views = rows.map((row) => deps.views.one(row));
      for (const message of views) deps.emit({ type: 'message', message });
      const updated = store.getChat(chatId);
      if (updated) deps.emit({ type: 'chat', chat: chatView(updated) });
      deps.kickOutbox(chat.accountId);
      return views;
    },

    downloadAttachment: ({ attachmentId }) => {
      const media = deps.mediaOf();
      attachmentAndMessage(attachmentId);
      // The user's click: ahead of every automatic download.
      media.downloads.request(attachmentId, 'user');
      return media.viewOf(attachmentId);
    },

    cancelTransfer: ({ attachmentId }) => {
      const store = deps.storeOf();
      const media = deps.mediaOf();
      const { attachment, message } = attachmentAndMessage(attachmentId);
      if (message.fromMe && message.status === 'queued') {
        // A moving upload is only aborted here: the upload step marks it (and the message) when it
        // has let go, so a quick Retry cannot be undone by the end of the cancelled attempt.
        if (media.transfers.cancel(attachmentId)) return media.viewOf(attachmentId);
        // Waiting, or already uploaded and being sent: the outbox sees the message failed and leaves it.
        if (attachment.transferState !== 'done') store.updateTransfer(attachmentId, { state: 'cancelled', error: null });
        store.markFailed(message.id, CANCELLED);
        media.changed(message.id);
      } else {
        media.downloads.cancel(attachmentId);
      }
      return media.viewOf(attachmentId);
    },

    retryTransfer: ({ attachmentId }) => {
      const store = deps.storeOf();
      const media = deps.mediaOf();
      const { message } = attachmentAndMessage(attachmentId);
      if (message.fromMe && (message.status === 'failed' || message.status === 'queued')) {
        // Sending side: a failed message goes back to the outbox, which uploads what is missing.
        if (message.status !== 'failed') return media.viewOf(attachmentId);
        for (const other of store.listAttachments(message.id)) {
          if (other.remoteRef === null) store.updateTransfer(other.id, { state: 'pending', transferred: 0, error: null });
        }
        store.requeue(message.id);
        media.changed(message.id);
        deps.kickOutbox(message.accountId);
      } else {
        media.downloads.request(attachmentId, 'user');
      }
      return media.viewOf(attachmentId);
    },

    markPlayed: ({ attachmentId }) => {
      const store = deps.storeOf();
      const media = deps.mediaOf();
      const { attachment, message } = attachmentAndMessage(attachmentId);
      if (!attachment.played) {
        store.setPlayed(attachmentId);
        deps.emit({ type: 'messageUpdated', message: deps.views.one(message) });
      }
      return media.viewOf(attachmentId);
    },
  };
}
