import { describe, expect, it } from 'vitest';
import type { RemoteAttachment } from '../../protocols/adapter';
import { formatDuration } from './attachment-preview';
import { ACCOUNT, incoming, useStoreWithChat } from './test-helpers';

const BOB = 'bob@example.org';
const fixture = useStoreWithChat(BOB);
const HASH = 'ab'.repeat(32);

const photo: RemoteAttachment = {
  kind: 'image',
  mime: 'image/jpeg',
  size: 2048,
  name: 'cat.jpg',
  width: 640,
  height: 480,
  thumbnail: 'AAAA',
  ref: 'https://upload.example/cat.jpg',
};

describe('attachments in the store', () => {
  it('queues an own file with its message, as pending with its cached content, and previews it', () => {
    const { store, chat } = fixture;
    const row = store.queueOutgoing({
      chatId: chat.id,
      clientId: 'c1',
      body: 'our cat',
      now: 10,
      attachments: [{ kind: 'image', mime: 'image/png', size: 10, name: 'cat.png', width: 4, height: 3, contentHash: HASH }],
    });
    expect(row.attachmentCount).toBe(1);
    const [a] = store.listAttachments(row.id);
    expect(a).toMatchObject({ messageId: row.id, ordinal: 0, kind: 'image', name: 'cat.png', contentHash: HASH, remoteRef: null, transferState: 'pending', played: false });
    expect(store.getChat(chat.id)?.lastPreview).toBe('Photo · our cat');
    expect(store.listQueued(ACCOUNT.id).map((m) => m.attachmentCount)).toEqual([1]);
  });

  it('names each kind in the chat list: photo, voice with its length, video, file with its name', () => {
    const { store, chat } = fixture;
    const preview = (a: RemoteAttachment, body = '') => {
      store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { body, attachments: [a] }));
      return store.getChat(chat.id)?.lastPreview;
    };
    expect(preview(photo)).toBe('Photo');
    expect(preview({ ...photo, kind: 'voice', mime: 'audio/webm', durationMs: 12_400 })).toBe('Voice message (0:12)');
    expect(preview({ ...photo, kind: 'video', mime: 'video/mp4' }, 'at the beach')).toBe('Video · at the beach');
    expect(preview({ ...photo, kind: 'file', mime: 'application/pdf', name: 'report.pdf' })).toBe('File: report.pdf');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });

  it('stores received files as pending with their reference, and reads a page of them in one lookup', () => {
    const { store, chat } = fixture;
    const text = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { body: 'just text' }));
    const withFile = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { body: '', attachments: [photo] }));
    expect(text?.attachmentCount).toBe(0);
    expect(withFile?.attachmentCount).toBe(1);
    const page = store.listMessages(chat.id, null, 10).messages;
    expect(page.map((m) => m.attachmentCount)).toEqual([0, 1]);
    const byMessage = store.attachmentsFor(page.filter((m) => m.attachmentCount > 0).map((m) => m.id));
    expect([...byMessage.keys()]).toEqual([withFile?.id]);
    expect(byMessage.get(withFile!.id)).toEqual([
      expect.objectContaining({ kind: 'image', remoteRef: photo.ref, contentHash: null, transferState: 'pending', size: 2048 }),
    ]);
    expect(store.attachmentsFor([])).toEqual(new Map());
  });

  it('clamps what a hostile sender says about a file', () => {
    const { store, chat } = fixture;
    const hostile = {
      kind: 'script',
      mime: 'text/html; charset=utf-8',
      size: -5,
      name: 'a\0b'.repeat(200),
      width: 1e9,
      height: 2.5,
      durationMs: -1,
      waveform: Array.from({ length: 500 }, (_, i) => i * 3 - 10),
      thumbnail: '<svg onload=alert(1)>',
      ref: 'x'.repeat(10_000),
    } as unknown as RemoteAttachment;
    const row = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { attachments: [hostile] }));
    const [a] = store.listAttachments(row!.id);
    expect(a).toMatchObject({ kind: 'file', mime: 'text/html', size: 0, width: null, height: null, durationMs: null, thumbnail: null, remoteRef: null });
    expect(a?.name).not.toContain('\0');
    expect(Array.from(a?.name ?? '')).toHaveLength(255);
    expect(a?.waveform).toHaveLength(64);
    expect(Math.min(...(a?.waveform ?? []))).toBe(0);
    expect(Math.max(...(a?.waveform ?? []))).toBe(179);
    const odd = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { attachments: [{ ...photo, mime: 'not a mime', name: '  ' }] }));
    expect(store.listAttachments(odd!.id)[0]).toMatchObject({ mime: 'application/octet-stream', name: 'file' });
  });

  it('keeps no control, bidi or invisible characters in a name, so it reads as it is stored', () => {
    const { store, chat } = fixture;
    const nameOf = (name: string): string | undefined => {
      const row = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { attachments: [{ ...photo, name }] }));
      return store.listAttachments(row!.id)[0]?.name;
    };
    // Right-to-left override: would be shown as "invexe.pdf".
    expect(nameOf('inv\u202Efdp.exe')).toBe('invfdp.exe');
    expect(nameOf('a\u2066b\u2069\u200Bc\u200Fd\uFEFF\u061C.txt')).toBe('abcd.txt');
    expect(nameOf('line\nbreak\r\t\u0007\u001b[0m\u0085\0.txt')).toBe('linebreak[0m.txt');
    expect(nameOf('\u202E\u200B\n')).toBe('file');
    expect(nameOf('résumé 写真 😀.pdf')).toBe('résumé 写真 😀.pdf');
  });

  it('moves a transfer along: progress, upload, download, failure, played', () => {
    const { store, chat } = fixture;
    const row = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { attachments: [{ ...photo, kind: 'voice', size: 0 }] }));
    const id = store.listAttachments(row!.id)[0]!.id;
    expect(store.updateTransfer(id, { state: 'downloading', transferred: 100 })).toMatchObject({ transferState: 'downloading', transferred: 100, error: null });
    expect(store.updateTransfer(id, { state: 'failed', error: 'gone' })).toMatchObject({ transferState: 'failed', transferred: 100, error: 'gone' });
    expect(store.updateTransfer(id, { state: 'downloading' })).toMatchObject({ error: 'gone' });
    expect(store.updateTransfer(id, { state: 'downloading', transferred: 0, error: null })).toMatchObject({ error: null, transferred: 0 });
    // The real size replaces the unknown (0) one the sender gave.
    expect(store.setDownloaded(id, HASH, 777)).toMatchObject({ transferState: 'done', contentHash: HASH, size: 777, transferred: 777 });
    expect(store.isContentUsed(HASH)).toBe(true);
    expect(store.isContentUsed('cd'.repeat(32))).toBe(false);
    expect(store.setPlayed(id).played).toBe(true);
    expect(() => store.setPlayed(9999)).toThrow(/does not exist/);

    const own = store.queueOutgoing({ chatId: chat.id, clientId: 'c2', body: '', now: 20, attachments: [{ ...photo, contentHash: HASH }] });
    const ownId = store.listAttachments(own.id)[0]!.id;
    store.updateTransfer(ownId, { state: 'uploading', transferred: 5 });
    expect(store.setUploaded(ownId, 'https://upload.example/x')).toMatchObject({ transferState: 'done', remoteRef: 'https://upload.example/x', transferred: 2048 });
  });

  it('after a restart, hands back interrupted downloads and resets interrupted uploads', () => {
    const { store, chat } = fixture;
    const received = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { attachments: [photo] }));
    const down = store.listAttachments(received!.id)[0]!.id;
    store.updateTransfer(down, { state: 'downloading', transferred: 10 });
    const own = store.queueOutgoing({ chatId: chat.id, clientId: 'c3', body: '', now: 30, attachments: [{ ...photo, contentHash: HASH }] });
    const up = store.listAttachments(own.id)[0]!.id;
    store.updateTransfer(up, { state: 'uploading', transferred: 10 });

    const reopened = fixture.reopen();
    expect(reopened.takeInterruptedTransfers().map((a) => a.id)).toEqual([down]);
    expect(reopened.getAttachment(up)).toMatchObject({ transferState: 'pending', transferred: 0 });
  });

  it('removes attachments with their account', () => {
    const { store, chat } = fixture;
    const row = store.insertIncoming(ACCOUNT.id, chat.id, incoming(BOB, { attachments: [photo] }));
    const id = store.listAttachments(row!.id)[0]!.id;
    store.removeAccount(ACCOUNT.id);
    expect(store.getAttachment(id)).toBeUndefined();
  });
});
