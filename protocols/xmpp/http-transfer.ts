// Streaming HTTP PUT and GET for attachments (XEP-0363 slots), used by the XMPP adapter and by the
// interop adapter (which encrypts before the PUT and decrypts after the GET). Files never sit whole
// in memory: bodies stream with backpressure. Redirects are never followed (a 3xx is a failure: a
// slot URL that moves elsewhere is not the slot the server issued), TLS verification stays on with
// the account's own CA added, and a byte count is enforced both ways: a PUT sends exactly `size`
// bytes, a GET stops reading past `maxBytes` and fails when the body is not the announced length.
//
// Without a proxy, the address connected to must be public or the account's own server's
// (http-connect.ts, network-address.ts): a received URL cannot reach into the local network.
//
// The timeout is an idle timeout on the socket (no byte either way for timeoutMs), not a deadline for
// the whole transfer: a 50 MB file on a slow link may take minutes and still be healthy. An idle
// timeout alone is held off by one byte every 29 s, though, which would keep a transfer (and a slot
// in the download queue) for ever; so there is a floor under the throughput too (minThroughput):
// a transfer that moves less than 16 KiB in a minute is stopped.
import type http from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { AttachmentError, type AccountSettings, type TransferOptions } from '../adapter.js';
import { formatSize } from '../sizes.js';
import { httpTarget, openRequest, transferError, type HttpTarget } from './http-connect.js';

export interface HttpTransferOptions extends TransferOptions {
  /** Extra trusted CA certificates (PEM) for https, added to the system roots for this request. */
  trustedCa?: string;
  /** The account's SOCKS5 proxy: the request is tunnelled through it. */
  proxy?: AccountSettings['proxy'];
  /**
   * Without a proxy, only public addresses are connected to, and these hosts (the account's own
   * server: its host setting and domain) with the addresses they resolve to. Anything else on a
   * local or private network is refused with AttachmentError('http') before a byte is sent.
   */
  allowedHosts?: readonly string[];
  /** Idle timeout: the transfer fails after this long without a byte either way. Default 30 s. */
  timeoutMs?: number;
  /** The slowest transfer that is let go on. Default 16 KiB per 60 s. */
  minThroughput?: MinThroughput;
}

/** A transfer fails when fewer than `bytes` (of the body) moved in a window of `windowMs`. */
export interface MinThroughput {
  bytes: number;
  windowMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MIN_THROUGHPUT: MinThroughput = { bytes: 16 * 1024, windowMs: 60_000 };

/**
 * Calls `tooSlow` when fewer than `min.bytes` moved in one of consecutive windows of `min.windowMs`
 * from now; `moved` counts the bytes so far. Returns the function that stops watching.
 */
function watchThroughput(min: MinThroughput, moved: () => number, tooSlow: () => void): () => void {
  let mark = moved();
  const timer = setInterval(() => {
    const now = moved();
    if (now - mark < min.bytes) tooSlow();
    mark = now;
  }, min.windowMs);
  return () => clearInterval(timer);
}

function tooSlowError(what: 'upload' | 'download', target: HttpTarget, min: MinThroughput): AttachmentError {
  const window = min.windowMs < 1000 ? `${min.windowMs} ms` : `${Math.round(min.windowMs / 100) / 10} s`;
  const place = `The ${what} ${what === 'upload' ? 'to' : 'from'} ${target.label}`;
  return new AttachmentError('http', `${place} was too slow: less than ${formatSize(min.bytes)} ${what === 'upload' ? 'went out' : 'arrived'} in ${window}, so it was stopped.`);
}

function aborted(what: 'upload' | 'download'): AttachmentError {
  return new AttachmentError('aborted', `The ${what} was cancelled.`);
}

function statusError(res: http.IncomingMessage, target: HttpTarget, what: 'upload' | 'download'): AttachmentError {
  const status = res.statusCode ?? 0;
  const reason = res.statusMessage ? ` ${res.statusMessage.slice(0, 100)}` : '';
  const place = `The ${what} ${what === 'upload' ? 'to' : 'from'} ${target.label}`;
  if (status >= 300 && status < 400) {
    return new AttachmentError('http', `${place} failed: the server answered ${status}${reason} (a redirect, which is not followed).`);
  }
  if (what === 'upload' && status === 413) {
    return new AttachmentError('too-large', `${place} failed: the server refused the file as too large (413).`);
  }
  return new AttachmentError('http', `${place} failed: the server answered ${status}${reason}.`);
}

function is2xx(res: http.IncomingMessage): boolean {
  const status = res.statusCode ?? 0;
  return status >= 200 && status < 300;
}

/**
 * Streams `body` (exactly `size` bytes) to `url` with `headers` and Content-Length: size. Resolves
 * once the server has answered 2xx; rejects with an AttachmentError ('aborted' for the signal,
 * 'too-large' for 413, else 'http', also for the idle timeout and a transfer under minThroughput).
 * `body` is destroyed on failure. Progress counts bytes handed to the socket, of `size`.
 */
export async function httpPut(url: string, body: Readable, size: number, headers: Record<string, string>, options: HttpTransferOptions = {}): Promise<void> {
  const target = httpTarget(url);
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`httpPut: size must be a non-negative integer, not ${size}`);
  const { signal, onProgress } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (signal?.aborted) {
    body.destroy();
    throw aborted('upload');
  }
  let request: http.ClientRequest;
  try {
    request = await openRequest(target, 'PUT', { ...headers, 'Content-Length': String(size) }, { ...options, timeoutMs });
  } catch (err) {
    body.destroy();
    throw transferError(err, target, 'upload');
  }
  const req = request;
  const minThroughput = options.minThroughput ?? DEFAULT_MIN_THROUGHPUT;

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let sent = 0;
    let bodyDone = false;
    let answer: http.IncomingMessage | null = null;
    let answerDone = false;

    // Counted in body bytes from here on: once the whole body is out, the answer is due within the
    // next full window (the idle timeout is usually shorter still).
    const stopWatching = watchThroughput(minThroughput, () => sent, () => finish(tooSlowError('upload', target, minThroughput)));
    const finish = (err: unknown): void => {
      if (settled) return;
      settled = true;
      stopWatching();
      signal?.removeEventListener('abort', onAbort);
      if (err === null) {
        resolve();
        return;
      }
      body.unpipe(counter);
      body.destroy();
      counter.destroy();
      req.destroy();
      reject(transferError(err, target, 'upload'));
    };
    const maybeDone = (): void => {
      if (bodyDone && answerDone) finish(null);
    };
    const onAbort = (): void => finish(aborted('upload'));
    signal?.addEventListener('abort', onAbort, { once: true });

    // Counts what goes out and holds the body to its announced size: a file that changed between
    // stat and read must not be sent as a different file under the same slot.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        if (sent > size) {
          callback(new AttachmentError('http', `The file grew while it was being uploaded (more than ${size} bytes), so the upload was stopped.`));
          return;
        }
        onProgress?.(sent, size);
        callback(null, chunk);
      },
      flush(callback) {
        if (sent !== size) callback(new AttachmentError('http', `The file shrank while it was being uploaded (${sent} of ${size} bytes), so the upload was stopped.`));
        else callback();
      },
    });

    req.on('timeout', () => finish(new AttachmentError('http', `The upload to ${target.label} stalled: nothing moved for ${timeoutMs} ms.`)));
    req.on('error', (err) => finish(answer && !is2xx(answer) ? statusError(answer, target, 'upload') : err));
    req.on('response', (res) => {
      answer = res;
      if (!is2xx(res)) {
        // A server that refuses early (413, 401) may cut the body off: its answer is the error.
        finish(statusError(res, target, 'upload'));
        return;
      }
      res.on('error', (err) => finish(err));
      res.on('end', () => {
        answerDone = true;
        // Every byte went out and the server took it, but the file's end-of-data read has not come
        // back yet (it is a separate read on libuv's thread pool, slow on a busy machine).
        if (sent === size) bodyDone = true;
        if (!bodyDone) {
          finish(new AttachmentError('http', `The upload to ${target.label} failed: the server answered before the whole file was sent.`));
          return;
        }
        maybeDone();
      });
      res.resume();
    });
    body.on('error', (err) => finish(err));
    counter.on('error', (err) => finish(err));
    counter.on('end', () => {
      bodyDone = true;
      maybeDone();
    });
    // pipe (not pipeline): a failure must be reported as the server's answer when there is one,
    // which finish() sorts out; pipe keeps the backpressure between file and socket.
    body.pipe(counter);
    counter.pipe(req);
  });
}

/**
 * GETs `url`. Resolves once the response headers are in, with the body as a stream and the
 * announced length (null when the server names none). Rejects with an AttachmentError on a non-2xx
 * answer (including redirects), and with 'too-large' when the announced length is over `maxBytes`.
 * The body stream errors with an AttachmentError when more than `maxBytes` arrive (reading stops
 * there), when it ends short of the announced length, on the idle timeout, when fewer bytes than
 * minThroughput arrive in a window (the headers too must come within one), and ('aborted') when the
 * signal fires. Progress counts bytes read, of the announced length (0 when none was announced).
 */
export async function httpGet(url: string, maxBytes: number, options: HttpTransferOptions = {}): Promise<{ body: Readable; length: number | null }> {
  const target = httpTarget(url);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError(`httpGet: maxBytes must be a non-negative integer, not ${maxBytes}`);
  const { signal, onProgress } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (signal?.aborted) throw aborted('download');
  let req: http.ClientRequest;
  try {
    req = await openRequest(target, 'GET', {}, { ...options, timeoutMs });
  } catch (err) {
    throw transferError(err, target, 'download');
  }
  const stalled = (): AttachmentError => new AttachmentError('http', `The download from ${target.label} stalled: nothing arrived for ${timeoutMs} ms.`);
  const minThroughput = options.minThroughput ?? DEFAULT_MIN_THROUGHPUT;

  // Body bytes, counted from the request on: headers dripping in count as nothing.
  let received = 0;
  let tooSlow = (): void => {};
  const stopWatching = watchThroughput(minThroughput, () => received, () => tooSlow());

  let res: http.IncomingMessage;
  let length: number | null;
  try {
    res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const fail = (err: unknown): void => {
        signal?.removeEventListener('abort', onAbort);
        req.destroy();
        reject(transferError(err, target, 'download'));
      };
      const onAbort = (): void => fail(aborted('download'));
      signal?.addEventListener('abort', onAbort, { once: true });
      tooSlow = () => fail(tooSlowError('download', target, minThroughput));
      req.once('timeout', () => fail(stalled()));
      req.once('error', fail);
      req.once('response', (response) => {
        signal?.removeEventListener('abort', onAbort);
        req.off('error', fail);
        resolve(response);
      });
      req.end();
    });

    if (!is2xx(res)) {
      // The error page is not read: dropping the connection is the bounded way to be done with it.
      req.destroy();
      throw statusError(res, target, 'download');
    }
    const announced = res.headers['content-length'];
    length = announced !== undefined && /^\d{1,15}$/.test(announced) ? Number(announced) : null;
    if (length !== null && length > maxBytes) {
      req.destroy();
      throw new AttachmentError('too-large', `The file at ${target.label} is ${length} bytes, more than the ${maxBytes} expected, so it was not downloaded.`);
    }
  } catch (err) {
    stopWatching();
    throw err;
  }

  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > maxBytes) {
        callback(new AttachmentError('too-large', `The download from ${target.label} went past the ${maxBytes} bytes expected, so it was stopped.`));
        return;
      }
      onProgress?.(received, length ?? 0);
      callback(null, chunk);
    },
    flush(callback) {
      if (length !== null && received !== length) {
        callback(new AttachmentError('http', `The download from ${target.label} ended after ${received} of ${length} bytes.`));
      } else {
        callback();
      }
    },
  });
  const onAbort = (): void => void body.destroy(aborted('download'));
  signal?.addEventListener('abort', onAbort, { once: true });
  tooSlow = () => void body.destroy(tooSlowError('download', target, minThroughput));
  req.on('timeout', () => body.destroy(stalled()));
  req.on('error', (err) => body.destroy(transferError(err, target, 'download')));
  res.on('error', (err) => body.destroy(transferError(err, target, 'download')));
  // A socket closed before the announced end: Node ends some of these without an error event.
  res.on('close', () => {
    if (!res.complete) body.destroy(new AttachmentError('http', `The download from ${target.label} was cut off after ${received} bytes.`));
  });
  body.on('close', () => {
    stopWatching();
    signal?.removeEventListener('abort', onAbort);
    // Whoever stops reading (an error, the consumer giving up) also stops the transfer; after a
    // complete body this just closes the connection, which is never reused (agent: false).
    req.destroy();
  });
  res.pipe(body);
  return { body, length };
}
