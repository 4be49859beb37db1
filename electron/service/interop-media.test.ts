// Media over the interop channel through the whole service: the file is encrypted by the sender's
// adapter, the server holds only ciphertext, and the receiver's core gets the plaintext into its
// cache — fetched only after the user accepted the request, then saved byte-identical.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CoreEvent, MessageView } from '../api/contract';
import type { SwitchboardService } from './service';
import { call, isOnline, useLiveProsody, waitForEvent } from './testing/serviceHarness';

const live = useLiveProsody({ profilePrefix: 'sb-interop-media-', users: ['ivy', 'otto'], prosody: { httpUpload: true } });

type MessageEvent = Extract<CoreEvent, { type: 'message' | 'messageUpdated' }>;
const waitForMessage = (service: SwitchboardService, what: string, match: (m: MessageView) => boolean) =>
  waitForEvent(service, (e): e is MessageEvent => (e.type === 'message' || e.type === 'messageUpdated') && match(e.message), { what, ms: 30_000 });

async function interopOnline(service: SwitchboardService, user: string): Promise<string> {
  const online = waitForEvent(service, isOnline, { what: `${user} online`, ms: 20_000 });
  await call(service, 'setInteropEnabled', { enabled: true });
  const account = await call(service, 'addAccount', {
    network: 'interop', address: `${user}@${live.prosody.domain}`, password: `${user}-pw`, host: live.prosody.host, port: live.prosody.c2sPort,
  });
  await online;
  return account.id;
}

/** Every file Prosody's upload service holds. */
function uploadedBlobs(): Buffer[] {
  const out: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.includes('upload')) out.push(readFileSync(path));
    }
  };
  walk(join(live.prosody.dir, 'data'));
  return out;
}

describe('media over interop through the core', () => {
  it('sends a photo encrypted; the request is fetched only once accepted, and saves byte-identical', async () => {
    const ivy = live.newService();
    const otto = live.newService();
    const ivyAccount = await interopOnline(ivy, 'ivy');
    await interopOnline(otto, 'otto');
    const limits = (await call(ivy, 'getSnapshot', {})).accounts[0]?.attachmentLimits;
    expect(limits?.image).toBeGreaterThan(0);
    const chat = await call(ivy, 'startChat', { accountId: ivyAccount, address: `otto@${live.prosody.domain}` });

    const photo = randomBytes(120_000);
    const { stagedId } = await ivy.media.stage(Readable.from([photo]));
    const sent = waitForMessage(ivy, 'ivy to send the photo', (m) => m.attachments[0]?.name === 'cat.jpg' && m.status === 'sent');
    const arrived = waitForMessage(otto, 'the photo at otto', (m) => m.attachments[0]?.name === 'cat.jpg');
    await call(ivy, 'sendAttachments', { chatId: chat.id, caption: 'our cat', items: [{ stagedId, kind: 'image', name: 'cat.jpg', mime: 'image/jpeg', width: 4, height: 3 }] });
    await sent;
    const got = (await arrived).message;
    expect(got.body).toBe('our cat');
    const attachment = got.attachments[0]!;
    expect(attachment).toMatchObject({ kind: 'image', size: photo.length, width: 4, height: 3, available: false });

    // The server holds ciphertext: no blob is the photo, and none contains a 64-byte run of it.
    const blobs = uploadedBlobs();
    expect(blobs.length).toBeGreaterThan(0);
    for (const blob of blobs) {
      expect(blob.equals(photo)).toBe(false);
      expect(blob.includes(photo.subarray(5_000, 5_064))).toBe(false);
    }

    // A message request: nothing is fetched until otto accepts.
    await new Promise((r) => setTimeout(r, 300));
    expect(otto.store.getAttachment(attachment.id)?.transferState).toBe('pending');
    await call(otto, 'acceptChat', { chatId: got.chatId });
    const here = waitForMessage(otto, 'the photo downloaded', (m) => m.attachments[0]?.id === attachment.id && m.attachments[0].available);
    await call(otto, 'downloadAttachment', { attachmentId: attachment.id });
    await here;
    const folder = join(live.profileDir(), 'Pictures');
    mkdirSync(folder);
    expect(readFileSync(await otto.saveAttachmentTo(attachment.id, folder)).equals(photo)).toBe(true);
    await ivy.stop();
    await otto.stop();
  });
});
