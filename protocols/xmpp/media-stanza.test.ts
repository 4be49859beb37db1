// The attachment codec and the XEP-0363 answers, without a server: what goes on the wire, what is
// taken from it, and what hostile input is reduced to.
import { describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { AttachmentError, type RemoteAttachment } from '../adapter.js';
import { attachmentBody, attachmentElements, captionOf, cleanName, parseAttachment } from './media-stanza.js';
import { parseSlot, uploadServiceFrom } from './upload-service.js';
import { tooLargeMessage } from '../sizes.js';

const URL_ = 'https://upload.example.org/slot/abc/photo.jpg';

function message(...children: Array<Element | null>): Element {
  return xml('message', { from: 'bob@example.org/x', type: 'chat', id: 'm1' }, ...children);
}

describe('attachment stanzas', () => {
  it('round-trips every field through the elements it writes', () => {
    const attachment: RemoteAttachment = {
      kind: 'voice', mime: 'audio/webm', size: 31_337, name: 'voice message.webm', durationMs: 4_200,
      waveform: [0, 1, 127, 255], thumbnail: Buffer.from('jpeg').toString('base64'), width: 10, height: 20, ref: URL_,
    };
    const parsed = parseAttachment(message(xml('body', {}, attachmentBody('hi', URL_)), ...attachmentElements(attachment)));
    expect(parsed).toEqual(attachment);
  });

  it('puts the URL after the caption and takes it off again', () => {
    expect(attachmentBody('', URL_)).toBe(URL_);
    expect(attachmentBody('two\nlines', URL_)).toBe(`two\nlines\n${URL_}`);
    expect(captionOf(`two\nlines\n${URL_}`, URL_)).toBe('two\nlines');
    expect(captionOf(URL_, URL_)).toBe('');
    expect(captionOf('no url here', URL_), 'a body without the URL is all caption').toBe('no url here');
  });

  it('reads a bare OOB URL from other clients, guessing the type from its extension', () => {
    const parsed = parseAttachment(message(xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, URL_))));
    expect(parsed).toEqual({ kind: 'image', mime: 'image/jpeg', size: 0, name: 'photo.jpg', ref: URL_ });
    expect(parseAttachment(message(xml('body', {}, 'text')))).toBeNull();
  });

  it('reduces junk to nothing rather than throwing', () => {
    const oob = xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, 'https://h/' + 'a'.repeat(5000)));
    expect(parseAttachment(message(oob)), 'an absurdly long URL is ignored').toBeNull();
    const empty = parseAttachment(message(xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, 'https://h/')), xml('file', { xmlns: 'urn:xmpp:file:metadata:0' })));
    expect(empty).toEqual({ kind: 'file', mime: 'application/octet-stream', size: 0, name: 'file', ref: 'https://h/' });
    for (const bad of ['data:text/html,x', 'javascript:alert(1)', 'file:///etc/passwd', ' ', 'http//nope']) {
      expect(parseAttachment(message(xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, bad)))), bad).toBeNull();
    }
  });

  it('cleans names of control and bidi characters and cuts them to 255 characters', () => {
    expect(cleanName('in\u0000voice\u202Efdp.exe\n')).toBe('invoicefdp.exe');
    expect(Array.from(cleanName('\u{1F600}'.repeat(300)))).toHaveLength(255);
  });

  it('states a too-large refusal so the two sizes never read the same', () => {
    expect(tooLargeMessage('XMPP', 100 * 1024 * 1024, 140 * 1024 * 1024)).toBe('Files on XMPP can be at most 100 MB. This one is 140 MB.');
    expect(tooLargeMessage('XMPP', 100 * 1024 * 1024, 100.4 * 1024 * 1024)).toBe('Files on XMPP can be at most 100 MB. This one is 100.4 MB.');
  });
});

describe('XEP-0363 answers', () => {
  const form = (size: string | null, type = 'urn:xmpp:http:upload:0') => xml('x', { xmlns: 'jabber:x:data', type: 'result' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, type)),
    size === null ? null : xml('field', { var: 'max-file-size' }, xml('value', {}, size)));
  const info = (...children: Array<Element | null>) => xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' },
    xml('identity', { category: 'store', type: 'file' }), ...children);
  const feature = xml('feature', { var: 'urn:xmpp:http:upload:0' });

  it('finds the service and its limit in disco#info', () => {
    expect(uploadServiceFrom('up.example.org', info(feature, form('5242880')))).toEqual({ jid: 'up.example.org', maxFileSize: 5_242_880 });
    expect(uploadServiceFrom('up.example.org', info(feature)), 'no form: no limit').toEqual({ jid: 'up.example.org', maxFileSize: null });
    expect(uploadServiceFrom('up.example.org', info(feature, form('-1'))), 'nonsense: no limit').toEqual({ jid: 'up.example.org', maxFileSize: null });
    expect(uploadServiceFrom('up.example.org', info(feature, form('99', 'urn:other')))).toEqual({ jid: 'up.example.org', maxFileSize: null });
    expect(uploadServiceFrom('pubsub.example.org', info(form('5')))).toBeNull();
  });

  it('keeps only the headers the XEP allows, and only web URLs', () => {
    const service = { jid: 'up', maxFileSize: null };
    const slot = xml('slot', { xmlns: 'urn:xmpp:http:upload:0' },
      xml('put', { url: 'https://up/put' },
        xml('header', { name: 'Authorization' }, 'Bearer x\r\nX-Evil: 1'),
        xml('header', { name: 'cookie' }, 'c=1'),
        xml('header', { name: 'Host' }, 'evil.example'),
        xml('header', { name: 'Content-Length' }, '1')),
      xml('get', { url: 'https://up/get' }));
    expect(parseSlot(slot, service)).toEqual({ putUrl: 'https://up/put', getUrl: 'https://up/get', headers: { Authorization: 'Bearer xX-Evil: 1', Cookie: 'c=1' } });
    const bad = xml('slot', { xmlns: 'urn:xmpp:http:upload:0' }, xml('put', { url: 'file:///x' }), xml('get', { url: 'https://up/get' }));
    expect(() => parseSlot(bad, service)).toThrow(/usable upload and download addresses/);
  });

  it('takes plain http only on a loopback address: XEP-0363 requires https', () => {
    const service = { jid: 'upload.example.org', maxFileSize: null };
    const slot = (put: string, get: string) => xml('slot', { xmlns: 'urn:xmpp:http:upload:0' }, xml('put', { url: put }), xml('get', { url: get }));
    for (const [put, get] of [
      ['http://upload.example.org/put', 'https://upload.example.org/get'],
      ['https://upload.example.org/put', 'http://upload.example.org/get'],
      ['http://192.168.1.10:5280/put', 'http://192.168.1.10:5280/get'],
      ['http://localhost:5280/put', 'http://localhost:5280/get'],
    ] as const) {
      let err: unknown = null;
      try {
        parseSlot(slot(put, get), service);
      } catch (e) {
        err = e;
      }
      expect(err, `${put} / ${get}`).toBeInstanceOf(AttachmentError);
      expect((err as AttachmentError).code).toBe('http');
      expect((err as AttachmentError).message).toMatch(/^The upload service upload\.example\.org gave a plain http address \(.+\), so the file was not sent: it would cross the network unencrypted \(XEP-0363 requires https\)\.$/);
    }
    for (const base of ['http://127.0.0.1:5280', 'http://[::1]:5280', 'https://upload.example.org']) {
      expect(parseSlot(slot(`${base}/put`, `${base}/get`), service)).toEqual({ putUrl: `${base}/put`, getUrl: `${base}/get`, headers: {} });
    }
  });
});
