// Where an attachment's HTTP request goes and over which socket: the URL checked (http and https
// only), the account's trusted CA added for this request alone with verification on, and, when the
// account has a SOCKS5 proxy, the TCP stream tunnelled through it (socks5-transport.ts) so no byte
// and no DNS query goes around the proxy. Without a proxy, only public addresses are connected to,
// and the account's own server (network-address.ts). http-transfer.ts builds its requests on this.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { AttachmentError, type AccountSettings } from '../adapter.js';
import { AddressGuard } from './network-address.js';
import { Socks5Error } from './socks5.js';
import { Socks5Socket } from './socks5-transport.js';

export interface HttpTarget {
  url: URL;
  secure: boolean;
  /** The host name without IPv6 brackets. */
  host: string;
  port: number;
  /** host:port as messages name it. */
  label: string;
}

/** Parses an attachment URL; anything but http/https (file:, javascript:, data:…) is refused. */
export function httpTarget(text: string): HttpTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AttachmentError('http', `"${text.slice(0, 200)}" is not a web address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AttachmentError('http', `Only http and https addresses are used for files, not ${url.protocol.slice(0, 20)}.`);
  }
  if (url.username || url.password) throw new AttachmentError('http', `${url.host} was given with a user name in the address; such addresses are not used.`);
  const secure = url.protocol === 'https:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  return { url, secure, host, port, label: `${url.hostname}:${port}` };
}

export interface ConnectOptions {
  trustedCa?: string;
  proxy?: AccountSettings['proxy'];
  /**
   * Hosts that may be on a local or private network: the account's own server (its host setting
   * and domain). Their names and the addresses they resolve to are allowed; any other non-public
   * address is refused (see network-address.ts).
   */
  allowedHosts?: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The refusal of a connection to a local or private address, in the user's words. */
export function privateAddressError(method: 'GET' | 'PUT', target: HttpTarget): AttachmentError {
  const error = method === 'GET'
    ? new AttachmentError('http', 'This file is on a local or private network address, so it was not fetched.')
    : new AttachmentError('http', 'The upload address is on a local or private network, so the file was not sent.');
  return Object.assign(error, { cause: `${target.label} is not a public address and not the account's own server` });
}

/**
 * A request to `target`, not yet ended. Through a proxy the tunnel is opened first and handed to
 * the request ready: a Socks5Socket holds back its 'connect' until the tunnel is open, and a write
 * queued before then would land in the SOCKS5 handshake.
 */
export async function openRequest(target: HttpTarget, method: 'GET' | 'PUT', headers: Record<string, string>, options: ConnectOptions): Promise<http.ClientRequest> {
  const ca = options.trustedCa ? [...tls.rootCertificates, options.trustedCa] : undefined;
  // SNI takes a host name only (RFC 6066); the certificate is still checked against `host`.
  const servername = net.isIP(target.host) ? undefined : target.host;
  const base: http.RequestOptions = {
    method,
    host: target.host,
    port: target.port,
    path: `${target.url.pathname}${target.url.search}`,
    headers,
    timeout: options.timeoutMs,
  };
  if (!options.proxy) {
    // The address connected to is checked, not the name: a literal address here, before any
    // connection; a name's addresses in `lookup`, whose answer is what the socket connects to.
    const guard = new AddressGuard(options.allowedHosts);
    const refusal = (): AttachmentError => privateAddressError(method, target);
    if (!guard.allowsHost(target.host) && net.isIP(target.host) && !(await guard.permits(target.host))) throw refusal();
    const lookup = guard.allowsHost(target.host) ? undefined : guard.lookup(refusal);
    // agent: false: a connection of its own, never pooled with another account's (other CA, proxy).
    return target.secure
      ? https.request({ ...base, agent: false, lookup, ca, servername, rejectUnauthorized: true })
      : http.request({ ...base, agent: false, lookup });
  }
  // Through a SOCKS5 proxy the address check is skipped: the proxy resolves the name and connects
  // (nothing is resolved here, so no DNS query goes around it), and which address it reaches is out
  // of this machine's sight. What the proxy lets through is the proxy's policy.
  const tunnel = await openTunnel(options.proxy, target, options);
  const socket = target.secure
    ? tls.connect({ socket: tunnel, host: target.host, servername, ca, rejectUnauthorized: true })
    : tunnel;
  // With createConnection and no agent, Node uses exactly this socket for the request.
  const request = (target.secure ? https : http).request({ ...base, createConnection: () => socket });
  request.once('close', () => tunnel.destroy());
  return request;
}

/** A TCP stream to target through the proxy, open (the SOCKS5 handshake done) when it resolves. */
function openTunnel(proxy: NonNullable<AccountSettings['proxy']>, target: HttpTarget, options: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socks5Socket(proxy, options.timeoutMs);
    const onAbort = (): void => {
      socket.destroy();
      reject(new AttachmentError('aborted', 'The transfer was cancelled.'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    socket.connect({ host: target.host, port: target.port });
    // The handshake reads through 'data' events, which flow only once someone asks; @xmpp/connection
    // does for XMPP, here nobody listens yet. Left flowing after the tunnel opens: HTTP and TLS
    // speak first, so nothing can arrive before the request attaches its own listener.
    socket.resume();
  });
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Any failure of a transfer as an AttachmentError whose message says what happened, and where. */
export function transferError(err: unknown, target: HttpTarget, what: 'upload' | 'download'): AttachmentError {
  if (err instanceof AttachmentError) return err;
  const place = `The ${what} ${what === 'upload' ? 'to' : 'from'} ${target.label}`;
  if (err instanceof Socks5Error) return new AttachmentError('http', `${place} failed: ${err.message}`);
  const code = (err as { code?: unknown } | null)?.code;
  const c = typeof code === 'string' ? code : '';
  if (CERTIFICATE_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_')) {
    return new AttachmentError('http', `${place} failed: the server's certificate could not be verified (${c}).`);
  }
  switch (c) {
    case 'ECONNREFUSED': return new AttachmentError('http', `${place} failed: the server refused the connection (ECONNREFUSED).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return new AttachmentError('http', `${place} failed: the server could not be found (DNS, ${c}).`);
    case 'ECONNRESET':
    case 'EPIPE': return new AttachmentError('http', `${place} failed: the server closed the connection (${c}).`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return new AttachmentError('http', `${place} failed: the server is unreachable (${c}).`);
    case 'ERR_INVALID_CHAR':
    case 'ERR_INVALID_HTTP_TOKEN': return new AttachmentError('http', `${place} failed: the upload service gave a header that cannot be sent.`);
  }
  const message = (err as { message?: unknown } | null)?.message;
  return new AttachmentError('http', `${place} failed: ${typeof message === 'string' ? message : String(err)}`);
}
