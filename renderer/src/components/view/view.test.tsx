// The media views' markup: the accessible names and states the e2e suite and screen readers rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { SwitchboardApi } from '../../api';
import { attachmentView, messageView } from '../../state/testData';
import { MessageRow } from '../MessageRow';
import { FileCard, FileCardView } from './FileCard';
import { ImageAttachment } from './ImageAttachment';
import { TransferProgress } from './TransferProgress';
import { VideoAttachment } from './VideoAttachment';
import { VoicePlayer } from './VoicePlayer';

const fakeApi: SwitchboardApi = {
  platform: 'browser',
  call: () => Promise.reject(new Error('not in this test')),
  onEvent: () => () => {},
  stageFile: () => Promise.reject(new Error('not in this test')),
  mediaUrl: (id) => `/media/${id}`,
  saveAttachment: () => Promise.reject(new Error('not in this test')),
  openAttachment: () => Promise.reject(new Error('not in this test')),
};

// The views read window.switchboard as the app does; this test runs in Node, without a DOM.
const g = globalThis as { window?: unknown };
beforeAll(() => {
  g.window = { switchboard: fakeApi };
});
afterAll(() => {
  delete g.window;
});

describe('media views', () => {
  it('a moving transfer is a progressbar named after the file, with its percentage and Cancel', () => {
    const html = renderToStaticMarkup(
      <TransferProgress
        attachment={attachmentView(1, { name: 'holiday.png', transfer: { state: 'downloading', transferred: 250, total: 1000, error: null } })}
        fromMe={false}
      />,
    );
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-label="Downloading holiday.png"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('>25%<');
    expect(html).toContain('>Cancel<');
  });

  it('a failed transfer shows its error and Retry; a done one shows nothing', () => {
    const failed = attachmentView(1, { transfer: { state: 'failed', transferred: 0, total: 1000, error: 'This file was changed after it was sent, so it was not saved.' } });
    const html = renderToStaticMarkup(<TransferProgress attachment={failed} fromMe={false} />);
    expect(html).toContain('This file was changed after it was sent, so it was not saved.');
    expect(html).toContain('>Retry<');
    expect(html).not.toContain('progressbar');
    const done = attachmentView(1, { available: true, transfer: { state: 'done', transferred: 1000, total: 1000, error: null } });
    expect(renderToStaticMarkup(<TransferProgress attachment={done} fromMe={false} />)).toBe('');
  });

  it('an image not fetched shows its thumbnail, sized from the metadata, and Download', () => {
    const html = renderToStaticMarkup(<ImageAttachment attachment={attachmentView(3, { thumbnail: 'AAAA', width: 640, height: 480 })} fromMe={false} />);
    expect(html).toContain('src="data:image/jpeg;base64,AAAA"');
    expect(html).toContain('width:320px;height:240px');
    expect(html).toContain('>Download<');
    expect(html).not.toContain('/media/3');
  });

  it('an image that is here loads from the bridge', () => {
    const here = attachmentView(3, { available: true, transfer: { state: 'done', transferred: 1, total: 1, error: null } });
    const html = renderToStaticMarkup(<ImageAttachment attachment={here} fromMe={false} />);
    expect(html).toContain('src="/media/3"');
    expect(html).toContain('aria-label="Open photo file3.png"');
    expect(html).not.toContain('Download');
  });

  it('a received voice message: Play, a seek slider, speed, and "Not played yet" until played', () => {
    const voice = attachmentView(4, { kind: 'voice', mime: 'audio/webm', durationMs: 12_000, waveform: [0, 128, 255], available: true });
    const html = renderToStaticMarkup(<VoicePlayer attachment={voice} fromMe={false} />);
    expect(html).toContain('aria-label="Play"');
    expect(html).toContain('role="slider"');
    expect(html).toContain('aria-valuetext="0:00 of 0:12"');
    expect(html).toContain('aria-label="Playback speed 1×"');
    expect(html).toContain('data-played="false"');
    expect(html).toContain('Not played yet');
    expect(html).toContain('preload="metadata"');
    const played = renderToStaticMarkup(<VoicePlayer attachment={{ ...voice, played: true }} fromMe={false} />);
    expect(played).toContain('data-played="true"');
    expect(played).not.toContain('Not played yet');
  });

  it('a video: the poster until fetched, then <video controls preload="none">', () => {
    const video = attachmentView(5, { kind: 'video', mime: 'video/webm', thumbnail: 'BBBB', durationMs: 3000 });
    const before = renderToStaticMarkup(<VideoAttachment attachment={video} fromMe={false} />);
    expect(before).toContain('src="data:image/jpeg;base64,BBBB"');
    expect(before).toContain('>Download<');
    expect(before).not.toContain('<video');
    const after = renderToStaticMarkup(<VideoAttachment attachment={{ ...video, available: true }} fromMe={false} />);
    expect(after).toMatch(/<video[^>]*controls/);
    expect(after).toContain('preload="none"');
    expect(after).toContain('poster="data:image/jpeg;base64,BBBB"');
  });

  it('a file card: name, size and type as text, Save, and no Open for a PDF in the browser (a tab cannot show it safely)', () => {
    const file = attachmentView(6, { kind: 'file', mime: 'application/pdf', name: '<b>report</b>.pdf', size: 2048 });
    const html = renderToStaticMarkup(<FileCard attachment={file} fromMe={false} />);
    expect(html).toContain('&lt;b&gt;report&lt;/b&gt;.pdf');
    expect(html).toContain('2.0 KB · PDF');
    expect(html).toContain('>Save<');
    expect(html).not.toContain('>Open<');
    expect(html).not.toContain('role="alert"');
  });

  it('a file card offers Open next to Save: in the browser for what a tab shows, in Electron for every file', () => {
    const text = attachmentView(6, { kind: 'file', mime: 'text/plain', name: 'notes.txt', available: true });
    // The button's accessible name is exactly "Open" (its text, no aria-label).
    expect(renderToStaticMarkup(<FileCard attachment={text} fromMe={false} />)).toMatch(/>Save<\/button><button type="button" class="button">Open<\/button>/);
    const setup = attachmentView(7, { kind: 'file', mime: 'application/x-msdownload', name: 'setup.exe', available: true });
    expect(renderToStaticMarkup(<FileCard attachment={setup} fromMe={false} />)).not.toContain('>Open<');
    g.window = { switchboard: { ...fakeApi, platform: 'electron' } };
    try {
      // Electron offers it, and refuses a program with a reason when clicked.
      expect(renderToStaticMarkup(<FileCard attachment={setup} fromMe={false} />)).toContain('>Open<');
      const pdf = attachmentView(8, { kind: 'file', mime: 'application/pdf', name: 'report.pdf', available: true });
      expect(renderToStaticMarkup(<FileCard attachment={pdf} fromMe={false} />)).toContain('>Open<');
    } finally {
      g.window = { switchboard: fakeApi };
    }
  });

  it('a refused Open shows why as an alert on the card, as text', () => {
    const setup = attachmentView(7, { kind: 'file', mime: 'application/x-msdownload', name: 'setup.exe', available: true });
    const reason = 'Switchboard does not open “<i>setup</i>.exe”: files of this kind can run programs or change your computer. If you trust it, save it and open it yourself.';
    const html = renderToStaticMarkup(<FileCardView attachment={setup} fromMe={false} canOpen notice={reason} onSave={() => {}} onOpen={() => {}} />);
    expect(html).toContain('<p class="file-card-notice" role="alert">Switchboard does not open “&lt;i&gt;setup&lt;/i&gt;.exe”');
    expect(html).toContain('If you trust it, save it and open it yourself.');
    expect(html).toContain('>Open<');
  });

  it('Save and Open wait while a file not here yet is moving', () => {
    const moving = attachmentView(9, { kind: 'file', mime: 'text/plain', name: 'big.txt', transfer: { state: 'downloading', transferred: 1, total: 10, error: null } });
    const html = renderToStaticMarkup(<FileCardView attachment={moving} fromMe={false} canOpen notice={null} onSave={() => {}} onOpen={() => {}} />);
    expect(html).toContain('<button type="button" class="button" disabled="">Save</button><button type="button" class="button" disabled="">Open</button>');
  });

  it('a message shows its caption as text after its file, and no empty body for a bare file', () => {
    const photo = attachmentView(7, { messageId: 9 });
    const withCaption = renderToStaticMarkup(
      <MessageRow message={messageView(9, { body: '<i>look</i>', attachments: [photo] })} continued={false} highlighted={false} />,
    );
    expect(withCaption).toContain('&lt;i&gt;look&lt;/i&gt;');
    expect(withCaption.indexOf('Open photo')).toBeLessThan(withCaption.indexOf('&lt;i&gt;look'));
    const bare = renderToStaticMarkup(<MessageRow message={messageView(9, { body: '', attachments: [photo] })} continued={false} highlighted={false} />);
    expect(bare).not.toContain('class="body"');
  });
});
