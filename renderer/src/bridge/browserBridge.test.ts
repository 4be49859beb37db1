import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../api';
import {
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  LOST_CONNECTION,
  NOT_OPENED_HERE,
  STAGE_FAILED,
  createBrowserBridge,
  nextRetryDelay,
  openInNewTab,
  parseServerFrame,
  showsInTab,
  socketUrl,
  type SocketLike,
  type Timers,
} from './browserBridge';

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
    this.onclose?.({});
  }
  serverSends(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  sentFrames(): Array<{ id: number; method: string; params: unknown }> {
    return this.sent.map((s) => JSON.parse(s) as { id: number; method: string; params: unknown });
  }
}

class FakeTimers implements Timers {
  scheduled: Array<{ fn: () => void; ms: number; handle: number }> = [];
  private next = 1;
  set(fn: () => void, ms: number): unknown {
    const handle = this.next++;
    this.scheduled.push({ fn, ms, handle });
    return handle;
  }
  clear(handle: unknown): void {
    this.scheduled = this.scheduled.filter((t) => t.handle !== handle);
  }
  runNext(): number {
    const t = this.scheduled.shift();
    if (!t) throw new Error('no timer scheduled');
    t.fn();
    return t.ms;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const warnings: string[] = [];
  const bridge = createBrowserBridge({
    url: 'ws://127.0.0.1:1234/api/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    warn: (m) => warnings.push(m),
  });
  const latest = () => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  };
  return { bridge, sockets, timers, warnings, latest };
}

describe('browser bridge', () => {
  it('says it runs in the browser and connects to the given URL at once', () => {
    const { bridge, sockets } = setup();
    expect(bridge.platform).toBe('browser');
    expect(sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:1234/api/ws']);
  });

  it('queues calls made before the socket opens and sends them on open', async () => {
    const { bridge, latest } = setup();
    const answer = bridge.call('getSnapshot', {});
    expect(latest().sent).toEqual([]);
    latest().onopen?.({});
    expect(latest().sentFrames()).toEqual([{ id: 1, method: 'getSnapshot', params: {} }]);
    latest().serverSends({ id: 1, result: { ok: true, value: { accounts: [], chats: [] } } });
    await expect(answer).resolves.toEqual({ ok: true, value: { accounts: [], chats: [] } });
  });

  it('matches answers to calls by id, in any order', async () => {
    const { bridge, latest } = setup();
    latest().onopen?.({});
    const a = bridge.call('closeChat', {});
    const b = bridge.call('search', { query: 'hi' });
    const [first, second] = latest().sentFrames();
    expect(first?.method).toBe('closeChat');
    expect(second).toEqual({ id: 2, method: 'search', params: { query: 'hi' } });
    latest().serverSends({ id: 2, result: { ok: true, value: [] } });
    latest().serverSends({ id: 1, result: { ok: false, error: { code: 'internal', message: 'boom' } } });
    await expect(b).resolves.toEqual({ ok: true, value: [] });
    await expect(a).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('delivers pushed events to every listener until it unsubscribes', () => {
    const { bridge, latest } = setup();
    latest().onopen?.({});
    const seenA: CoreEvent[] = [];
    const seenB: CoreEvent[] = [];
    const offA = bridge.onEvent((e) => seenA.push(e));
    bridge.onEvent((e) => seenB.push(e));
    latest().serverSends({ event: { type: 'chatRemoved', chatId: 7 } });
    offA();
    latest().serverSends({ event: { type: 'accountRemoved', accountId: 'a1' } });
    expect(seenA).toEqual([{ type: 'chatRemoved', chatId: 7 }]);
    expect(seenB).toHaveLength(2);
  });

  it('ignores malformed frames and answers to unknown calls, with a warning', () => {
    const { latest, warnings } = setup();
    latest().onopen?.({});
    latest().onmessage?.({ data: 'not json' });
    latest().serverSends([1, 2]);
    latest().serverSends({ id: 99, result: { ok: true, value: null } });
    expect(warnings).toHaveLength(3);
  });

  it('on close resolves unanswered calls as unavailable, reconnects with backoff and asks for a resync', async () => {
    const { bridge, sockets, timers, latest } = setup();
    latest().onopen?.({});
    const events: CoreEvent[] = [];
    bridge.onEvent((e) => events.push(e));
    const inFlight = bridge.call('getSnapshot', {});
    latest().close();
    await expect(inFlight).resolves.toEqual(LOST_CONNECTION);

    // Failing attempts back off 0.5 s, 1 s, 2 s, 4 s, 5 s, 5 s.
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(timers.runNext());
      latest().close();
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);

    // A call made while disconnected waits for the next attempt.
    timers.runNext();
    const queued = bridge.call('closeChat', {});
    latest().onopen?.({});
    expect(events).toEqual([{ type: 'resync' }]);
    const frame = latest().sentFrames()[0];
    expect(frame?.method).toBe('closeChat');
    latest().serverSends({ id: frame?.id, result: { ok: true, value: null } });
    await expect(queued).resolves.toEqual({ ok: true, value: null });
    expect(sockets).toHaveLength(8);

    // After a successful open the backoff starts again at 0.5 s.
    latest().close();
    expect(timers.runNext()).toBe(FIRST_RETRY_MS);
  });

  it('a call queued during a failed attempt resolves as unavailable instead of hanging', async () => {
    const { bridge, latest } = setup();
    const call = bridge.call('getSnapshot', {});
    latest().close();
    await expect(call).resolves.toEqual(LOST_CONNECTION);
  });

  it('stops reconnecting once disposed', () => {
    const { bridge, timers, latest } = setup();
    latest().onopen?.({});
    bridge.dispose();
    expect(timers.scheduled).toEqual([]);
  });
});

describe('bridge helpers', () => {
  it('doubles the retry delay up to the maximum', () => {
    expect(nextRetryDelay(FIRST_RETRY_MS)).toBe(1000);
    expect(nextRetryDelay(4000)).toBe(MAX_RETRY_MS);
    expect(nextRetryDelay(MAX_RETRY_MS)).toBe(MAX_RETRY_MS);
  });

  it('builds the socket URL from the page origin', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/ws');
    expect(socketUrl({ protocol: 'https:', host: 'example.org' })).toBe('wss://example.org/api/ws');
  });

  it('classifies frames', () => {
    expect(parseServerFrame('{"id":3,"result":{"ok":true,"value":1}}')).toEqual({
      kind: 'result',
      id: 3,
      result: { ok: true, value: 1 },
    });
    expect(parseServerFrame('{"event":{"type":"resync"}}')).toEqual({ kind: 'event', event: { type: 'resync' } });
    expect(parseServerFrame('{"id":3}').kind).toBe('invalid');
    expect(parseServerFrame(42).kind).toBe('invalid');
  });
});

describe('browser bridge media', () => {
  function mediaSetup(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
    const requests: Array<{ url: string; init: RequestInit }> = [];
    const downloads: string[] = [];
    const tabs: string[] = [];
    const warnings: string[] = [];
    const bridge = createBrowserBridge({
      url: 'ws://127.0.0.1:1234/api/ws',
      createSocket: (url) => new FakeSocket(url),
      timers: new FakeTimers(),
      warn: (m) => warnings.push(m),
      fetch: async (url, init) => {
        requests.push({ url, init });
        return answer(url, init);
      },
      download: (url) => downloads.push(url),
      openTab: (url) => tabs.push(url),
    });
    return { bridge, requests, downloads, tabs, warnings };
  }
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('stages a file with a same-origin POST of its bytes and hands back the core answer', async () => {
    const staged = { stagedId: 'a'.repeat(64), size: 3 };
    const { bridge, requests } = mediaSetup(() => json(200, { ok: true, value: staged }));
    const file = new Blob([new Uint8Array([1, 2, 3])]);
    expect(await bridge.stageFile(file, 'my photo?.png')).toEqual({ ok: true, value: staged });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('/media/stage?name=my%20photo%3F.png');
    expect(requests[0]?.init).toMatchObject({ method: 'POST', body: file, credentials: 'same-origin' });
  });

  it('passes a refusal through and turns a broken answer or a network error into an error result', async () => {
    const refusal = { ok: false, error: { code: 'too-large', message: 'Files over 2 GB cannot be sent.' } };
    expect(await mediaSetup(() => json(413, refusal)).bridge.stageFile(new Blob(['x']), 'x')).toEqual(refusal);
    const broken = mediaSetup(() => new Response('<html>', { status: 502 }));
    expect(await broken.bridge.stageFile(new Blob(['x']), 'x')).toEqual(STAGE_FAILED);
    const offline = mediaSetup(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await offline.bridge.stageFile(new Blob(['x']), 'x')).toEqual(STAGE_FAILED);
  });

  it('loads media from the host origin', () => {
    expect(mediaSetup(() => json(200, {})).bridge.mediaUrl(42)).toBe('/media/42');
  });

  it('saves through a download of ?download=1, after checking the file is there', async () => {
    const { bridge, requests, downloads } = mediaSetup(() => new Response(null, { status: 200 }));
    expect(await bridge.saveAttachment(7)).toEqual({ ok: true, value: { saved: true } });
    expect(requests.map((r) => [r.url, r.init.method])).toEqual([['/media/7?download=1', 'HEAD']]);
    expect(downloads).toEqual(['/media/7?download=1']);

    const missing = mediaSetup(() => new Response(null, { status: 404 }));
    expect(await missing.bridge.saveAttachment(8)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(missing.downloads).toEqual([]);
  });

  const typed = (type: string | null, status = 200) => () => new Response(null, { status, headers: type === null ? {} : { 'Content-Type': type } });

  it('opens what the host serves as an image, audio, video or plain text in a new tab, after checking it is there', async () => {
    for (const type of ['image/png', 'audio/ogg', 'video/mp4', 'text/plain; charset=utf-8']) {
      const { bridge, requests, tabs, downloads } = mediaSetup(typed(type));
      expect(await bridge.openAttachment(7), type).toEqual({ ok: true, value: { opened: true } });
      expect(requests.map((r) => [r.url, r.init.method, r.init.credentials])).toEqual([['/media/7', 'HEAD', 'same-origin']]);
      expect(tabs).toEqual(['/media/7']);
      expect(downloads).toEqual([]);
    }
  });

  it('does not open what the host serves as bytes (PDF, programs, pages): the advice to save it instead', async () => {
    for (const type of ['application/octet-stream', 'text/html', 'image/svg+xml', 'application/pdf', null]) {
      const { bridge, tabs } = mediaSetup(typed(type));
      expect(await bridge.openAttachment(7), String(type)).toEqual({ ok: true, value: NOT_OPENED_HERE });
      expect(tabs).toEqual([]);
    }
    expect(NOT_OPENED_HERE).toEqual({
      opened: false,
      reason: 'Switchboard does not open this kind of file in the browser. If you trust it, save it and open it yourself.',
    });
  });

  it('a file not here, a refusing host or a lost host opens nothing and says so', async () => {
    const missing = mediaSetup(typed('image/png', 404));
    expect(await missing.bridge.openAttachment(8)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const broken = mediaSetup(typed('image/png', 500));
    expect(await broken.bridge.openAttachment(8)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const offline = mediaSetup(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await offline.bridge.openAttachment(8)).toEqual(LOST_CONNECTION);
    expect([...missing.tabs, ...broken.tabs, ...offline.tabs]).toEqual([]);
  });

  it('the new tab gets no handle on the app (noopener, noreferrer)', () => {
    const calls: unknown[][] = [];
    openInNewTab('/media/3', { open: (...args: unknown[]) => (calls.push(args), null) } as Pick<Window, 'open'>);
    expect(calls).toEqual([['/media/3', '_blank', 'noopener,noreferrer']]);
  });

  it('showsInTab: the types a sandboxed tab shows as themselves', () => {
    for (const yes of ['image/jpeg', 'IMAGE/PNG', 'audio/webm;codecs=opus', 'video/mp4', 'text/plain', 'text/plain; charset=utf-8']) expect(showsInTab(yes), yes).toBe(true);
    for (const no of ['image/svg+xml', 'text/html', 'text/plainx', 'application/pdf', 'application/octet-stream', '', null]) expect(showsInTab(no), String(no)).toBe(false);
  });
});
