// XEP-0363 HTTP File Upload, the XMPP half: finding the server's upload service (disco#items on the
// account's domain, disco#info per item, the limit from the XEP-0128 form) and asking it for a slot.
// The HTTP half is http-transfer.ts. AdapterRuntime keeps the result per connection.
import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { AttachmentError } from '../adapter.js';
import { NS } from './namespaces.js';
import { isLoopbackAddress } from './network-address.js';
import { formatSize } from '../sizes.js';

export interface UploadService {
  jid: string;
  /** The service's max-file-size in bytes, or null when it names none. */
  maxFileSize: number | null;
}

export interface UploadSlot {
  putUrl: string;
  getUrl: string;
  /** Only the headers XEP-0363 §5 lets a service ask for (Authorization, Cookie, Expires). */
  headers: Record<string, string>;
}

/** A server lists few items; a longer list is not worth asking each of. */
const MAX_ITEMS = 32;
const DISCO_TIMEOUT_MS = 10_000;
/** XEP-0363 §5: the client MUST drop any other header the slot names. */
const ALLOWED_HEADERS = new Map([['authorization', 'Authorization'], ['cookie', 'Cookie'], ['expires', 'Expires']]);

/** The upload service among the domain's items (or the domain itself), or null when it has none. */
export async function discoverUploadService(iq: IqCaller, domain: string): Promise<UploadService | null> {
  const items = await iq.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: NS.discoItems })), DISCO_TIMEOUT_MS);
  const jids = (items.getChild('query', NS.discoItems)?.getChildren('item') ?? [])
    .map((item) => item.attrs.jid)
    .filter((jid): jid is string => typeof jid === 'string' && jid.length > 0 && !jid.includes('/'))
    .slice(0, MAX_ITEMS);
  // Asked all at once: one round trip however many items there are. An item that does not answer
  // (a component that is down) is just not the upload service.
  const infos = await Promise.all([...jids, domain].map((jid) =>
    iq.request(xml('iq', { type: 'get', to: jid }, xml('query', { xmlns: NS.discoInfo })), DISCO_TIMEOUT_MS)
      .then((answer) => ({ jid, query: answer.getChild('query', NS.discoInfo) }), () => null)));
  for (const info of infos) {
    if (!info?.query) continue;
    const service = uploadServiceFrom(info.jid, info.query);
    if (service) return service;
  }
  return null;
}

/** The service described by a disco#info answer, when it is one. */
export function uploadServiceFrom(jid: string, query: Element): UploadService | null {
  const offers = query.getChildren('feature').some((f) => f.attrs.var === NS.httpUpload);
  if (!offers) return null;
  for (const form of query.getChildren('x', NS.dataForms)) {
    const fields = form.getChildren('field');
    const formType = fields.find((f) => f.attrs.var === 'FORM_TYPE')?.getChildText('value')?.trim();
    if (formType !== NS.httpUpload) continue;
    const size = fields.find((f) => f.attrs.var === 'max-file-size')?.getChildText('value')?.trim();
    if (size && /^\d{1,15}$/.test(size) && Number(size) > 0) return { jid, maxFileSize: Number(size) };
  }
  return { jid, maxFileSize: null };
}

/** Asks `service` for a slot for this file; rejects with an AttachmentError the user can read. */
export async function requestSlot(iq: IqCaller, service: UploadService, file: { name: string; size: number; mime: string }): Promise<UploadSlot> {
  const request = xml('iq', { type: 'get', to: service.jid },
    xml('request', { xmlns: NS.httpUpload, filename: file.name, size: String(file.size), 'content-type': file.mime }));
  let answer: Element;
  try {
    answer = await iq.request(request, DISCO_TIMEOUT_MS);
  } catch (err) {
    throw slotError(err, service);
  }
  return parseSlot(answer.getChild('slot', NS.httpUpload), service);
}

/**
 * The URLs and headers of a <slot/>; only the allowed headers are kept. Both URLs must be https, as
 * XEP-0363 requires: over http the file would cross the network unencrypted, and the GET URL,
 * which is all it takes to fetch the file, too. Plain http only to a loopback address, where
 * nothing leaves the machine (a server on this machine, as in the tests).
 */
export function parseSlot(slot: Element | undefined, service: UploadService): UploadSlot {
  const putUrl = slot?.getChild('put')?.attrs.url;
  const getUrl = slot?.getChild('get')?.attrs.url;
  if (!isWebUrl(putUrl) || !isWebUrl(getUrl)) {
    throw new AttachmentError('http', `The upload service ${service.jid} answered without usable upload and download addresses.`);
  }
  for (const url of [new URL(putUrl), new URL(getUrl)]) {
    if (url.protocol === 'http:' && !isLoopbackAddress(url.hostname)) {
      throw new AttachmentError('http', `The upload service ${service.jid} gave a plain http address (${url.host}), so the file was not sent: it would cross the network unencrypted (XEP-0363 requires https).`);
    }
  }
  const headers: Record<string, string> = {};
  for (const header of slot?.getChild('put')?.getChildren('header') ?? []) {
    const name = ALLOWED_HEADERS.get(String(header.attrs.name ?? '').toLowerCase());
    // A line break in a value would split it into headers of the service's choosing.
    const value = header.text().replace(/[\r\n]/g, '').trim();
    if (name && value) headers[name] = value;
  }
  return { putUrl, getUrl, headers };
}

function isWebUrl(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function slotError(err: unknown, service: UploadService): AttachmentError {
  const e = err as { condition?: string; text?: string; application?: Element } | null;
  if (e?.application?.name === 'file-too-large' || (e?.condition === 'not-acceptable' && /large/i.test(e.text ?? ''))) {
    const max = e?.application?.getChildText('max-file-size');
    const limit = max && /^\d{1,15}$/.test(max) ? ` (at most ${formatSize(Number(max))})` : '';
    return new AttachmentError('too-large', `The upload service ${service.jid} refused the file as too large${limit}.`);
  }
  if (e?.condition) {
    const why = e.text ? `: ${e.text.slice(0, 200)}` : '';
    return new AttachmentError('http', `The upload service ${service.jid} refused the file (${e.condition}${why}).`);
  }
  return new AttachmentError('http', `The upload service ${service.jid} did not give an upload slot: ${(err as Error)?.message ?? String(err)}`);
}
