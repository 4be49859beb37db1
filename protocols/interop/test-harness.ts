// Helpers for the interop integration tests: accounts with their own in-memory state against the
// private Prosody of test/servers/prosody.ts, linked devices (which share the identity key), and a
// raw client for reading PEP and the archive and for sending hand-made stanzas.
import type { ProsodyServer } from '../../test/servers/prosody.js';
import type { AccountSettings, AdapterEvent, AdapterState, IncomingMessage } from '../adapter.js';
import { Archive, type ArchiveItem } from '../xmpp/archive.js';
import type { XmppConnection } from '../xmpp/connection.js';
import {
  FAST_RECONNECT, Recorder, catchUps, memoryContext, memoryState, online, rawClient, sleep, until,
} from '../xmpp/test-harness.js';
import { parseBundle, type ParsedBundle } from './bundle-xml.js';
import { InteropAdapter, type InteropAdapterOptions } from './interop-adapter.js';
import { CURRENT, bundleNode } from './namespaces.js';
import { fetchItems } from './pep.js';

export { online, rawClient, sleep };

export interface Device {
  address: string;
  adapter: InteropAdapter;
  events: Recorder;
  ctx: ReturnType<typeof memoryContext> & { accepted: Set<string> | null };
  state: AdapterState & { data: Map<string, string> };
}

export function device(server: ProsodyServer, user: string, password: string, options: {
  /** Another device of the same account: this one is linked to it (shares its identity key). */
  linkedTo?: Device;
  adapter?: InteropAdapterOptions;
  /** The state of an earlier run of this installation (a restart). */
  prefill?: ReadonlyMap<string, string>;
  proxy?: AccountSettings['proxy'];
} = {}): Device {
  const state = memoryState();
  for (const [key, value] of options.prefill ?? []) state.set(key, value);
  const identity = options.linkedTo?.state.get('sig.identity');
  if (identity) state.set('sig.identity', identity);
  const ctx = Object.assign(memoryContext(state), { accepted: null as Set<string> | null });
  ctx.isAccepted = (chat: string) => ctx.accepted === null || ctx.accepted.has(chat);
  const adapter = new InteropAdapter({
    address: `${user}@${server.domain}`, password, host: server.host, port: server.c2sPort, trustedCa: server.caPem,
    ...(options.proxy ? { proxy: options.proxy } : {}),
  }, ctx, { reconnect: FAST_RECONNECT, ...options.adapter });
  return { address: `${user}@${server.domain}`, adapter, events: new Recorder(adapter), ctx, state };
}

export async function caughtUp(d: Device, times = 1, timeoutMs = 10_000): Promise<void> {
  await until(() => catchUps(d.ctx) >= times, timeoutMs, () => `${d.address} device ${d.adapter.deviceId} never finished the archive catch-up`);
}

export const isMessage = (body: string) => (e: AdapterEvent): e is Extract<AdapterEvent, { type: 'message' }> =>
  e.type === 'message' && e.message.body === body;

export function bodies(d: Device, filter: (m: IncomingMessage) => boolean): string[] {
  return d.events.messages(filter).map((m) => m.body);
}

/** Waits until `count` messages matching `filter` have arrived. */
export async function waitForCount(d: Device, what: string, filter: (m: IncomingMessage) => boolean, count: number, timeoutMs = 30_000): Promise<void> {
  await until(() => d.events.messages(filter).length >= count, timeoutMs,
    () => `${d.address} device ${d.adapter.deviceId}: ${what}: got ${d.events.messages(filter).length} of ${count}`, 20);
}

export async function publishedBundle(raw: XmppConnection, jid: string, deviceId: number): Promise<ParsedBundle> {
  const [payload] = await fetchItems(raw.iqCaller, jid, bundleNode(deviceId), [CURRENT]);
  return parseBundle(payload);
}

/** The newest archived messages of the raw client's account with `peer`, oldest first. */
export async function archived(raw: XmppConnection, own: string, peer: string): Promise<ArchiveItem[]> {
  const archive = new Archive(own);
  const collect = (stanza: Parameters<Archive['collect']>[0]): void => void archive.collect(stanza);
  raw.entity.on('stanza', collect);
  try {
    return (await archive.page(raw.iqCaller, { with: peer, max: 50, before: '' })).items;
  } finally {
    raw.entity.off('stanza', collect);
  }
}
