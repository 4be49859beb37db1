// Auto-download: which received files are fetched without a click, and the setting that bounds it
// (persisted like interoperability on/off).

import { describe, expect, it } from 'vitest';
import type { RemoteAttachment } from '../../protocols/adapter';
import type { CoreEvent, MessageView } from '../api/contract';
import { SwitchboardService } from './service';
import { call, useProfileDirs } from './testing/serviceHarness';

const newDir = useProfileDirs('sb-media-settings-');
const MiB = 1024 * 1024;

function serviceWithAccount(dir = newDir(), network: 'xmpp' | 'interop' = 'xmpp'): SwitchboardService {
  const service = new SwitchboardService({ dataDir: dir });
  if (!service.store.getAccount('acc')) {
    service.store.addAccount({ id: 'acc', network, address: 'me@example.org', settingsJson: '{"password":"x"}', createdAt: 1 });
  }
  return service;
}

let seq = 0;
/** A message as the network would bring it, stored through the core's ingest. */
function receive(service: SwitchboardService, attachment: Partial<RemoteAttachment>): MessageView {
  seq += 1;
  let stored: MessageView | undefined;
  const off = service.onEvent((e: CoreEvent) => {
    if (e.type === 'message') stored = e.message;
  });
  service.injectAdapterEvent('acc', {
    type: 'message',
    message: {
      chat: 'bob@example.org',
      networkId: `n${seq}`,
      sender: 'bob@example.org',
      fromMe: false,
      body: '',
      sentAt: 1000 + seq,
      historical: false,
      attachments: [{ kind: 'image', mime: 'image/jpeg', size: 1000, name: 'a.jpg', ref: `https://files.example/${seq}`, ...attachment }],
    },
  });
  service.flushIncoming();
  off();
  if (!stored) throw new Error('nothing was stored');
  return stored;
}

const stateOf = (service: SwitchboardService, view: MessageView) => service.store.getAttachment(view.attachments[0]!.id)?.transferState;

describe('auto-download', () => {
  it('fetches images and voice up to the limit at once; videos, files, bigger ones and unknown sizes wait for a click', async () => {
    const service = serviceWithAccount();
    // No adapter runs here, so a fetch that starts ends as 'failed' saying why: proof it started.
    const image = receive(service, { kind: 'image', size: 2 * MiB });
    const voice = receive(service, { kind: 'voice', mime: 'audio/webm', size: 100_000 });
    // No declared size: it could be anything, so the user's bound cannot be promised — a click fetches it.
    const unknownSize = receive(service, { kind: 'image', size: 0 });
    const unknownVoice = receive(service, { kind: 'voice', mime: 'audio/webm', size: 0 });
    const video = receive(service, { kind: 'video', mime: 'video/mp4', size: 1000 });
    const file = receive(service, { kind: 'file', mime: 'application/pdf', size: 1000 });
    const huge = receive(service, { kind: 'image', size: 17 * MiB });
    expect(image.attachments[0]?.transfer.state).toBe('pending');
    await new Promise((r) => setTimeout(r, 50));
    expect([image, voice].map((m) => stateOf(service, m))).toEqual(['failed', 'failed']);
    expect(service.store.getAttachment(image.attachments[0]!.id)?.error).toBe('me@example.org is not running.');
    expect([video, file, huge, unknownSize, unknownVoice].map((m) => stateOf(service, m))).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    await service.stop();
  });

  it('is bounded by the setting, which persists; 0 turns it off', async () => {
    const dir = newDir();
    let service = serviceWithAccount(dir);
    expect((await call(service, 'getSettings', {})).autoDownloadMaxBytes).toBe(16 * MiB);
    const events: CoreEvent[] = [];
    service.onEvent((e) => events.push(e));
    expect(await call(service, 'setAutoDownload', { maxBytes: 0 })).toMatchObject({ autoDownloadMaxBytes: 0 });
    expect(events).toContainEqual({ type: 'settings', settings: { interopEnabled: false, autoDownloadMaxBytes: 0 } });
    await service.stop();

    service = serviceWithAccount(dir);
    expect((await call(service, 'getSettings', {})).autoDownloadMaxBytes).toBe(0);
    const off = receive(service, { kind: 'image', size: 10 });
    await new Promise((r) => setTimeout(r, 50));
    expect(stateOf(service, off)).toBe('pending');
    await call(service, 'setAutoDownload', { maxBytes: 4 * MiB });
    const on = receive(service, { kind: 'image', size: 4 * MiB });
    await new Promise((r) => setTimeout(r, 50));
    expect(stateOf(service, on)).toBe('failed');
    expect((await service.call('setAutoDownload', { maxBytes: -1 })).ok).toBe(false);
    await service.stop();
  });

  it('never fetches for a message request the user has not accepted', async () => {
    const service = serviceWithAccount(newDir(), 'interop');
    const request = receive(service, { kind: 'image', size: 10 });
    await new Promise((r) => setTimeout(r, 50));
    expect(service.store.getChat(request.chatId)?.requestState).toBe('pending');
    expect(stateOf(service, request)).toBe('pending');
    await service.stop();
  });

  it('shows a received file with its reference kept out of the view, and a caption-less preview', async () => {
    const service = serviceWithAccount();
    const view = receive(service, { kind: 'voice', mime: 'audio/ogg', size: 10, durationMs: 65_000, waveform: [0, 128, 255] });
    expect(view.attachments[0]).toMatchObject({ kind: 'voice', durationMs: 65_000, waveform: [0, 128, 255], available: false, played: false });
    expect(JSON.stringify(view)).not.toContain('files.example');
    expect(service.store.getChat(view.chatId)?.lastPreview).toBe('Voice message (1:05)');
    const played = await call(service, 'markPlayed', { attachmentId: view.attachments[0]!.id });
    expect(played.played).toBe(true);
    await service.stop();
  });
});
