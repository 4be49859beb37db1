// Browser mode: when no preload provides window.switchboard (the app is served by the headless
// host), the same SwitchboardApi runs over one WebSocket at /api/ws. The host authenticates the
// socket by a cookie it already set, so nothing extra is sent.
//
// Wire protocol: client → {"id", "method", "params"}; server → {"id", "result"} answers and
// {"event"} pushes. Calls never throw: a lost connection resolves every unanswered call with an
// 'unavailable' error, and after a reconnect listeners get a synthetic {type:'resync'}.
//
// Files go over plain HTTP beside the socket, to the host's media routes (same origin, so the
// session cookie rides along): POST /media/stage streams a file into the core's cache, GET
// /media/<id> serves an attachment's bytes, and ?download=1 makes the browser save it. "Open"
// shows the bytes in a new tab, only for the types the host serves as themselves.
import type { CoreEvent, Method, Params, Result, Results, SwitchboardApi } from '../api';
import type { OpenedFile, StagedFile } from '../../../electron/api/contract';

/** The part of the DOM WebSocket the bridge uses, so tests can inject a fake. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface BridgeOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  timers?: Timers;
  /** Where malformed frames are reported; console.warn by default. */
  warn?: (message: string) => void;
  /** HTTP to the host's media routes; the page's fetch by default. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Makes the browser download a URL (a temporary <a download> clicked); set by createDomBridge. */
  download?: (url: string) => void;
  /** Opens a URL in a new tab that gets no handle on this page; set by createDomBridge. */
  openTab?: (url: string) => void;
}

export const FIRST_RETRY_MS = 500;
export const MAX_RETRY_MS = 5000;

export const LOST_CONNECTION: Result<never> = {
  ok: false,
  error: { code: 'unavailable', message: 'Lost the connection to Switchboard. Reconnecting…' },
};

export const STAGE_FAILED: Result<never> = {
  ok: false,
  error: { code: 'unavailable', message: 'Could not hand the file to Switchboard. Check that it is still running, then try again.' },
};

/** What the browser mode's "Open" says of a file it will not show in a tab. */
export const NOT_OPENED_HERE: OpenedFile = {
  opened: false,
  reason: 'Switchboard does not open this kind of file in the browser. If you trust it, save it and open it yourself.',
};

/**
 * The types a tab shows safely, as the host serves them (mediaRoutes.ts): images but SVG, audio,
 * video and plain text — each a sandboxed, never-sniffed document. The host answers anything else
 * as application/octet-stream, which a tab would only download.
 */
const TAB_TYPE = /^(image\/(png|jpeg|gif|webp|avif|bmp|heic|heif)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|text\/plain)$/;

export function showsInTab(contentType: string | null): boolean {
  return TAB_TYPE.test((contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '');
}

/** Where the host serves an attachment's bytes (relative: the page's own origin). */
export function mediaPath(attachmentId: number): string {
  return `/media/${attachmentId}`;
}

/** What a server frame means to the bridge; anything else is ignored. */
export type ServerFrame =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: CoreEvent }
  | { kind: 'invalid'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseServerFrame(data: unknown): ServerFrame {
  if (typeof data !== 'string') return { kind: 'invalid', reason: 'frame is not text' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { kind: 'invalid', reason: 'frame is not JSON' };
  }
  if (!isRecord(parsed)) return { kind: 'invalid', reason: 'frame is not an object' };
  if (typeof parsed.id === 'number' && isRecord(parsed.result) && typeof parsed.result.ok === 'boolean') {
    // Shape beyond `ok` is the core's promise (contract.ts); the core validated it on its side.
    return { kind: 'result', id: parsed.id, result: parsed.result as Result<unknown> };
  }
  if (isRecord(parsed.event) && typeof parsed.event.type === 'string') {
    return { kind: 'event', event: parsed.event as CoreEvent };
  }
  return { kind: 'invalid', reason: 'frame is neither a result nor an event' };
}

export function encodeRequest(id: number, method: Method, params: unknown): string {
  return JSON.stringify({ id, method, params });
}

export function nextRetryDelay(current: number): number {
  return Math.min(current * 2, MAX_RETRY_MS);
}

const defaultTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BrowserBridge extends SwitchboardApi {
  /** Stops reconnecting and closes the socket (tests, page teardown). */
  dispose(): void;
}

export function createBrowserBridge(options: BridgeOptions): BrowserBridge {
  const timers = options.timers ?? defaultTimers;
  const warn = options.warn ?? ((message: string) => console.warn(`switchboard bridge: ${message}`));
  const listeners = new Set<(event: CoreEvent) => void>();
  /** Unanswered calls, whether sent or still queued. */
  const pending = new Map<number, (result: Result<unknown>) => void>();
  /** Frames waiting for the socket to open. */
  let queue: string[] = [];
  let socket: SocketLike | null = null;
  let open = false;
  let nextId = 1;
  let retryDelay = FIRST_RETRY_MS;
  let retryTimer: unknown = null;
  let lostOnce = false;
  let disposed = false;

  function emit(event: CoreEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        warn(`an event listener threw: ${String(err)}`);
      }
    }
  }

  function connect(): void {
    retryTimer = null;
    const ws = options.createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      open = true;
      retryDelay = FIRST_RETRY_MS;
      const frames = queue;
      queue = [];
      for (const frame of frames) ws.send(frame);
      if (lostOnce) emit({ type: 'resync' });
    };
    ws.onmessage = (ev) => {
      if (socket !== ws) return;
      const frame = parseServerFrame(ev.data);
      if (frame.kind === 'result') {
        const resolve = pending.get(frame.id);
        if (!resolve) return warn(`answer to unknown call ${frame.id}`);
        pending.delete(frame.id);
        resolve(frame.result);
      } else if (frame.kind === 'event') {
        emit(frame.event);
      } else {
        warn(frame.reason);
      }
    };
    ws.onerror = () => {
      // A close event always follows; that is where the bridge reacts.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      open = false;
      lostOnce = true;
      queue = [];
      const unanswered = [...pending.values()];
      pending.clear();
      for (const resolve of unanswered) resolve(LOST_CONNECTION);
      if (disposed) return;
      const delay = retryDelay;
      retryDelay = nextRetryDelay(retryDelay);
      retryTimer = timers.set(connect, delay);
    };
  }

  connect();

  const fetchMedia = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));

  async function stageFile(file: Blob, name: string): Promise<Result<StagedFile>> {
    try {
      const res = await fetchMedia(`/media/stage?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        body: file,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      const answer: unknown = await res.json();
      if (isRecord(answer) && typeof answer.ok === 'boolean') return answer as Result<StagedFile>;
      warn(`stageFile: unexpected answer (HTTP ${res.status})`);
      return STAGE_FAILED;
    } catch {
      return STAGE_FAILED;
    }
  }

  async function saveAttachment(attachmentId: number): Promise<Result<{ saved: boolean }>> {
    const url = `${mediaPath(attachmentId)}?download=1`;
    try {
      // Asked first, so a file that is not here is an error the UI can show, not a broken download.
      const res = await fetchMedia(url, { method: 'HEAD', credentials: 'same-origin' });
      if (res.status === 404) return { ok: false, error: { code: 'not-found', message: 'That file is not downloaded yet.' } };
      if (!res.ok) return { ok: false, error: { code: 'unavailable', message: `Switchboard could not give the file (HTTP ${res.status}).` } };
    } catch {
      return LOST_CONNECTION;
    }
    if (!options.download) return { ok: false, error: { code: 'unavailable', message: 'Saving files is not available here.' } };
    options.download(url);
    return { ok: true, value: { saved: true } };
  }

  async function openAttachment(attachmentId: number): Promise<Result<OpenedFile>> {
    const url = mediaPath(attachmentId);
    let contentType: string | null;
    try {
      // The type the tab would get decides, as the host serves it (a quick local request: the
      // click's activation, which lets window.open through, lasts seconds).
      const res = await fetchMedia(url, { method: 'HEAD', credentials: 'same-origin' });
      if (res.status === 404) return { ok: false, error: { code: 'not-found', message: 'That file is not downloaded yet.' } };
      if (!res.ok) return { ok: false, error: { code: 'unavailable', message: `Switchboard could not give the file (HTTP ${res.status}).` } };
      contentType = res.headers.get('content-type');
    } catch {
      return LOST_CONNECTION;
    }
    if (!showsInTab(contentType)) return { ok: true, value: NOT_OPENED_HERE };
    if (!options.openTab) return { ok: false, error: { code: 'unavailable', message: 'Opening files is not available here.' } };
    options.openTab(url);
    return { ok: true, value: { opened: true } };
  }

  return {
    platform: 'browser',
    call<M extends Method>(method: M, params: Params<M>): Promise<Result<Results[M]>> {
      if (disposed) return Promise.resolve(LOST_CONNECTION);
      const id = nextId++;
      const frame = encodeRequest(id, method, params);
      return new Promise<Result<Results[M]>>((resolve) => {
        // The server answers with this method's result type (contract.ts).
        pending.set(id, resolve as (result: Result<unknown>) => void);
        if (open && socket) socket.send(frame);
        else queue.push(frame);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    stageFile,
    mediaUrl: mediaPath,
    saveAttachment,
    openAttachment,
    dispose() {
      disposed = true;
      if (retryTimer !== null) timers.clear(retryTimer);
      const ws = socket;
      ws?.close();
    },
  };
}

/** The socket URL for the page's own origin: ws:// from http://, wss:// from https://. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/ws`;
}

/** Lets the browser save a URL: its Content-Disposition names the file (sanitised by the host). */
export function downloadWithLink(url: string, doc: Document = document): void {
  const a = doc.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.append(a);
  a.click();
  a.remove();
}

/** A new tab with no way back to this page (no window.opener, no referrer). */
export function openInNewTab(url: string, win: Pick<Window, 'open'> = window): void {
  win.open(url, '_blank', 'noopener,noreferrer');
}

export function createDomBridge(): BrowserBridge {
  return createBrowserBridge({
    url: socketUrl(window.location),
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    download: (url) => downloadWithLink(url),
    openTab: (url) => openInNewTab(url),
  });
}
