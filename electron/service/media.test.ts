// Media through the whole core against a real Prosody with its upload service (XEP-0363): alice's
// service stages, queues and uploads; bob's stores, auto-downloads images, downloads files on
// request and saves them. Also: the limit refuses before any upload, and a restart in the middle
// of an upload sends the message once.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProtocolAdapter } from '../../protocols/adapter';
import type { AttachmentView, CoreEvent, MessageView } from '../api/contract';
import type { SwitchboardService } from './service';
import { call, useLiveProsody, waitForEvent } from './testing/serviceHarness';

const LIMIT = 1024 * 1024;
const live = useLiveProsody({
  profilePrefix: 'sb-media-',
  users: ['alice', 'bob', 'carol', 'dave'],
  prosody: { httpUpload: true, httpUploadSizeLimit: LIMIT },
});
const { profileDir, newService, addXmppAccount } = live;

type MessageEvent = Extract<CoreEvent, { type: 'message' | 'messageUpdated' }>;

/** The first message (new or updated) whose first attachment matches. */
function waitForAttachment(service: SwitchboardService, match: (a: AttachmentView, m: MessageView) => boolean, what: string): Promise<MessageEvent> {
  return waitForEvent(
    service,
    (e): e is MessageEvent => (e.type === 'message' || e.type === 'messageUpdated') && e.message.attachments[0] !== undefined && match(e.message.attachments[0], e.message),
    { what, ms: 30_000 },
  );
}

async function stage(service: SwitchboardService, bytes: Buffer): Promise<string> {
  return (await service.media.stage(Readable.from([bytes]))).stagedId;
}

/** Every file Prosody's upload service holds (its store of uploaded slots). */
function uploadedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.includes('upload')) out.push(path);
    }
  };
  walk(join(live.prosody.dir, 'data'));
  return out;
}

async function limitsKnown(service: SwitchboardService): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const snapshot = await call(service, 'getSnapshot', {});
    if (snapshot.accounts.every((a) => a.attachmentLimits !== null)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the account never learned its upload limits');
}

/**
 * Holds the service's uploads, as a big file on a slow line would: each starts (its transfer shows
 * 'uploading') but moves only once `gate` opens, or ends when its transfer is aborted.
 */
function holdUploads(service: SwitchboardService, gate: Promise<void>): void {
  const uploads = service.media.uploads;
  const prepare = uploads.prepare.bind(uploads);
  uploads.prepare = (row, adapter, network) => {
    const held = new Proxy(adapter, {
      get(target, key) {
        if (key !== 'upload') return Reflect.get(target, key, target) as unknown;
        const upload: NonNullable<ProtocolAdapter['upload']> = async (path, meta, options) => {
          await new Promise<void>((resolve, reject) => {
            void gate.then(resolve);
            options?.signal?.addEventListener('abort', () => reject(new Error('aborted while held')));
          });
          if (!target.upload) throw new Error('no upload');
          return target.upload(path, meta, options);
        };
        return upload;
      },
    });
    return prepare(row, held, network);
  };
}

describe('media through the core', () => {
  it('sends a text to another chat while a big upload is still moving; the same chat keeps its order', async () => {
    for (const user of ['gina', 'hank', 'ivy']) await live.prosody.register(user, `${user}-pw`);
    const gina = newService(profileDir());
    const hank = newService(profileDir());
    const ivy = newService(profileDir());
    const ginaAccount = await addXmppAccount(gina, 'gina');
    await addXmppAccount(hank, 'hank');
    await addXmppAccount(ivy, 'ivy');
    await limitsKnown(gina);
    const toHank = await call(gina, 'startChat', { accountId: ginaAccount, address: 'hank@localhost' });
    const toIvy = await call(gina, 'startChat', { accountId: ginaAccount, address: 'ivy@localhost' });
    const hankGot: string[] = [];
    hank.onEvent((e) => {
      if (e.type === 'message') hankGot.push(e.message.attachments[0]?.name ?? e.message.body);
    });
    let release = (): void => undefined;
    holdUploads(gina, new Promise<void>((resolve) => (release = resolve)));
    try {
      const uploading = waitForEvent(gina, (e) => e.type === 'transfer' && e.transfer.state === 'uploading', { what: 'the upload to begin' });
      const stagedId = await stage(gina, randomBytes(500_000));
      const [file] = await call(gina, 'sendAttachments', { chatId: toHank.id, items: [{ stagedId, kind: 'video', name: 'film.mp4', mime: 'video/mp4' }] });
      await uploading;

      const ivyGot = waitForEvent(ivy, (e) => e.type === 'message' && e.message.body === 'meanwhile', { what: 'ivy to get the text', ms: 10_000 });
      const textSent = waitForEvent(gina, (e) => e.type === 'messageUpdated' && e.message.body === 'meanwhile' && e.message.status === 'sent', { what: 'the text to be sent', ms: 10_000 });
      const after = await call(gina, 'send', { chatId: toHank.id, body: 'after the film' });
      await call(gina, 'send', { chatId: toIvy.id, body: 'meanwhile' });
      await Promise.all([textSent, ivyGot]);

      // The upload still holds its own chat: the file and the text after it are both waiting.
      const held = (await call(gina, 'openChat', { chatId: toHank.id })).page.messages;
      expect(held.map((m) => [m.id, m.status, m.attachments[0]?.transfer.state])).toEqual([
        [file?.id, 'queued', 'uploading'],
        [after.id, 'queued', undefined],
      ]);
      expect(hankGot).toEqual([]);

      const bothSent = waitForEvent(gina, (e) => e.type === 'messageUpdated' && e.message.id === after.id && e.message.status === 'sent', { what: 'the text after the film' });
      const hankHasBoth = waitForEvent(hank, (e) => e.type === 'message' && e.message.body === 'after the film', { what: 'hank to get the text' });
      release();
      await bothSent;
      await hankHasBoth;
      expect(hankGot).toEqual(['film.mp4', 'after the film']);
    } finally {
      release();
      await gina.stop();
      await hank.stop();
      await ivy.stop();
    }
  });


  it('sends an image and a file; bob gets the image at once, the file on request, and saves both byte-identical', async () => {
    const alice = newService(profileDir());
    const bob = newService(profileDir());
    const aliceAccount = await addXmppAccount(alice, 'alice');
    await addXmppAccount(bob, 'bob');
    await limitsKnown(alice);
    const snapshot = await call(alice, 'getSnapshot', {});
    expect(snapshot.accounts[0]?.attachmentLimits).toEqual({ image: LIMIT, voice: LIMIT, video: LIMIT, file: LIMIT });
    expect((await call(bob, 'getSettings', {})).autoDownloadMaxBytes).toBe(16 * 1024 * 1024);
    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'bob@localhost' });

    const image = randomBytes(150_000);
    const pdf = randomBytes(400_000);
    const imageId = await stage(alice, image);
    const pdfId = await stage(alice, pdf);
    const progress: number[] = [];
    alice.onEvent((e) => {
      if (e.type === 'transfer' && e.transfer.state === 'uploading') progress.push(e.transfer.transferred);
    });
    const imageArrived = waitForAttachment(bob, (a) => a.kind === 'image' && a.available, 'bob to have the image');
    const pdfArrived = waitForAttachment(bob, (a) => a.kind === 'file', 'the file to reach bob');
    const sent = waitForAttachment(alice, (a, m) => a.kind === 'file' && m.status === 'sent', 'alice to send the file');

    const queued = await call(alice, 'sendAttachments', {
      chatId: chat.id,
      caption: 'holiday',
      items: [
        { stagedId: imageId, kind: 'image', name: 'beach.png', mime: 'image/png', width: 320, height: 200, thumbnail: 'AAAA' },
        { stagedId: pdfId, kind: 'file', name: '../../report.pdf', mime: 'application/pdf' },
      ],
    });
    // One message per file; the caption goes with the first. Own files are shown at once.
    expect(queued.map((m) => [m.body, m.status, m.attachments.map((a) => [a.kind, a.available, a.transfer.state])])).toEqual([
      ['holiday', 'queued', [['image', true, 'pending']]],
      ['', 'queued', [['file', true, 'pending']]],
    ]);
    expect((await call(alice, 'getSnapshot', {})).chats.find((c) => c.id === chat.id)?.lastPreview).toBe('File: ../../report.pdf');
    await sent;
    expect(progress.length, 'upload progress was reported').toBeGreaterThan(0);

    const gotImage = (await imageArrived).message;
    expect(gotImage.body).toBe('holiday');
    expect(gotImage.attachments[0]).toMatchObject({ mime: 'image/png', size: image.length, width: 320, height: 200, thumbnail: 'AAAA', transfer: { state: 'done' } });
    const gotPdf = (await pdfArrived).message;
    const pdfView = gotPdf.attachments[0]!;
    // Files wait for a click: nothing was fetched.
    expect(pdfView).toMatchObject({ kind: 'file', available: false, size: pdf.length });
    const bobChat = (await call(bob, 'getSnapshot', {})).chats.find((c) => c.id === gotPdf.chatId);
    expect(bobChat?.lastPreview).toMatch(/^File: /);

    const pdfHere = waitForAttachment(bob, (a) => a.id === pdfView.id && a.available, 'the file to download');
    const answer = await call(bob, 'downloadAttachment', { attachmentId: pdfView.id });
    expect(answer.transfer.state).toBe('downloading');
    await pdfHere;

    const folder = join(profileDir(), 'Downloads');
    mkdirSync(folder);
    const savedPdf = await bob.saveAttachmentTo(pdfView.id, folder);
    expect(savedPdf).toBe(join(folder, 'report.pdf'));
    expect(readFileSync(savedPdf).equals(pdf)).toBe(true);
    const savedImage = await bob.saveAttachmentTo(gotImage.attachments[0]!.id, folder);
    expect(readFileSync(savedImage).equals(image)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['beach.png', 'report.pdf']);

    const page = await call(bob, 'openChat', { chatId: gotPdf.chatId });
    expect(page.page.messages.map((m) => m.attachments.map((a) => [a.kind, a.available]))).toEqual([[['image', true]], [['file', true]]]);
    await alice.stop();
    await bob.stop();
  });

  it('refuses a file over the limit before any upload, naming the limit', async () => {
    const alice = newService(profileDir());
    const aliceAccount = await addXmppAccount(alice, 'alice');
    await limitsKnown(alice);
    const chat = await call(alice, 'startChat', { accountId: aliceAccount, address: 'bob@localhost' });
    // A file within the limit first: it shows where the server keeps uploads, so the check below can see one.
    const small = await stage(alice, randomBytes(1000));
    const smallSent = waitForAttachment(alice, (a, m) => a.name === 'small.bin' && m.status === 'sent', 'the small file to go');
    await call(alice, 'sendAttachments', { chatId: chat.id, items: [{ stagedId: small, kind: 'file', name: 'small.bin', mime: 'application/octet-stream' }] });
    await smallSent;
    const before = uploadedFiles();
    expect(before.length, 'the server keeps uploads where uploadedFiles looks').toBeGreaterThan(0);
    const messagesBefore = (await call(alice, 'openChat', { chatId: chat.id })).page.messages.length;
    const big = await stage(alice, randomBytes(LIMIT + 200_000));

    const result = await alice.call('sendAttachments', { chatId: chat.id, items: [{ stagedId: big, kind: 'video', name: 'film.mp4', mime: 'video/mp4' }] });
    expect(result).toEqual({
      ok: false,
      error: { code: 'too-large', message: 'film.mp4: Videos on XMPP can be at most 1 MB; this one is 1.2 MB.' },
    });
    expect((await call(alice, 'openChat', { chatId: chat.id })).page.messages).toHaveLength(messagesBefore);
    await new Promise((r) => setTimeout(r, 300));
    expect(uploadedFiles()).toEqual(before);
    await alice.stop();
  });

  it('cancels an upload (the message fails as Cancelled) and retries it into one delivered message', async () => {
    await live.prosody.register('erin', 'erin-pw');
    await live.prosody.register('frank', 'frank-pw');
    const erin = newService(profileDir());
    const frank = newService(profileDir());
    const erinAccount = await addXmppAccount(erin, 'erin');
    await addXmppAccount(frank, 'frank');
    await limitsKnown(erin);
    const chat = await call(erin, 'startChat', { accountId: erinAccount, address: 'frank@localhost' });
    const arrivals: string[] = [];
    frank.onEvent((e) => {
      if (e.type === 'message' && e.message.attachments.length > 0) arrivals.push(e.message.attachments[0]!.name);
    });
    const stagedId = await stage(erin, randomBytes(200_000));
    // The user presses Cancel as the upload begins.
    let cancelled: Promise<unknown> | undefined;
    const cancelOnUpload = erin.onEvent((e) => {
      if (e.type === 'transfer' && e.transfer.state === 'uploading' && !cancelled) cancelled = erin.call('cancelTransfer', { attachmentId: e.attachmentId });
    });
    const failed = waitForAttachment(erin, (a, m) => m.status === 'failed' && a.transfer.state === 'cancelled', 'the cancelled message');
    const [queued] = await call(erin, 'sendAttachments', { chatId: chat.id, items: [{ stagedId, kind: 'file', name: 'draft.bin', mime: 'application/octet-stream' }] });
    const gone = (await failed).message;
    cancelOnUpload();
    expect(gone).toMatchObject({ id: queued?.id, status: 'failed', error: 'Cancelled' });

    const sent = waitForAttachment(erin, (a, m) => m.id === queued?.id && m.status === 'sent' && a.transfer.state === 'done', 'the retried message');
    const arrived = waitForAttachment(frank, (a) => a.name === 'draft.bin', 'frank to receive it');
    const retried = await call(erin, 'retryTransfer', { attachmentId: gone.attachments[0]!.id });
    expect(retried.transfer.state).toBe('pending');
    await sent;
    await arrived;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(arrivals).toEqual(['draft.bin']);
    await erin.stop();
    await frank.stop();
  });

  it('uploads and delivers once a message whose upload a restart cut off', async () => {
    const carolDir = profileDir();
    let carol = newService(carolDir);
    const dave = newService(profileDir());
    const carolAccount = await addXmppAccount(carol, 'carol');
    await addXmppAccount(dave, 'dave');
    await limitsKnown(carol);
    const chat = await call(carol, 'startChat', { accountId: carolAccount, address: 'dave@localhost' });
    const bytes = randomBytes(300_000);
    const stagedId = await stage(carol, bytes);

    const arrivals: MessageView[] = [];
    dave.onEvent((e) => {
      if (e.type === 'message' && e.message.attachments.length > 0) arrivals.push(e.message);
    });
    // The service stops the moment the upload begins, as a quit in the middle of it would.
    let stopping: Promise<void> | undefined;
    const stopOnUpload = carol.onEvent((e) => {
      if (e.type === 'transfer' && e.transfer.state === 'uploading' && !stopping) stopping = carol.stop();
    });
    const [queued] = await call(carol, 'sendAttachments', { chatId: chat.id, caption: 'once', items: [{ stagedId, kind: 'file', name: 'notes.bin', mime: 'application/octet-stream' }] });
    for (let i = 0; i < 100 && !stopping; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stopping, 'the upload began').toBeDefined();
    await stopping;
    stopOnUpload();
    expect(arrivals).toEqual([]);

    carol = newService(carolDir);
    const sent = waitForAttachment(carol, (_a, m) => m.id === queued?.id && m.status === 'sent', 'the resent message');
    const arrived = waitForAttachment(dave, (a) => a.name === 'notes.bin', 'dave to receive it');
    await carol.start();
    const after = (await sent).message;
    expect(after.attachments[0]?.transfer.state).toBe('done');
    const got = (await arrived).message;
    expect(got.body).toBe('once');
    const here = waitForAttachment(dave, (a) => a.id === got.attachments[0]?.id && a.available, 'the file to download');
    await call(dave, 'downloadAttachment', { attachmentId: got.attachments[0]!.id });
    await here;
    const folder = join(profileDir(), 'saved');
    mkdirSync(folder);
    expect(readFileSync(await dave.saveAttachmentTo(got.attachments[0]!.id, folder)).equals(bytes)).toBe(true);
    // A duplicate would come now, if one were coming.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(arrivals.map((m) => m.body)).toEqual(['once']);
    await carol.stop();
    await dave.stop();
  });
});
