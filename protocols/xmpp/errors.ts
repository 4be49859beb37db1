// Failures sorted by what the adapter does next: a fatal one goes offline with a reason the UI turns
// into advice (retrying a wrong password only locks the account); anything else is retried.
import type { OfflineReason } from '../adapter.js';

export class FatalConnectionError extends Error {
  constructor(readonly reason: OfflineReason, message: string) {
    super(message);
    this.name = 'FatalConnectionError';
  }
}

/** Certificate problems reported by Node's TLS layer: retrying cannot fix them. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const SASL_WRONG_CREDENTIALS = new Set(['not-authorized', 'credentials-expired', 'account-disabled', 'invalid-mechanism']);

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Sorts an error from a connection attempt: fatal (stop, with a reason) or a human reason to retry. */
export function classifyFailure(err: unknown, server: string): { fatal: FatalConnectionError } | { retry: string } {
  if (err instanceof FatalConnectionError) return { fatal: err };
  const e = err as { name?: string; condition?: string; message?: string } | null;
  if (e?.name === 'SASLError') {
    if (e.condition && SASL_WRONG_CREDENTIALS.has(e.condition)) {
      return { fatal: new FatalConnectionError('wrong-password', `${server} refused the password (${e.condition}).`) };
    }
    if (e.condition === 'temporary-auth-failure') return { retry: `${server} could not check the password right now` };
    return { fatal: new FatalConnectionError('protocol-error', `${server} refused the login: ${e.message ?? e.condition}`) };
  }
  const code = errorCode(err);
  if (CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return { fatal: new FatalConnectionError('tls-failure', `the certificate of ${server} could not be verified (${code}).`) };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { retry: `${server} refused the connection` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { retry: `${server} could not be found (DNS)` };
    case 'ETIMEDOUT':
      return { retry: `${server} did not answer in time` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { retry: `${server} closed the connection` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { retry: `${server} is unreachable from this network` };
  }
  return { retry: e?.message ? `${server}: ${e.message}` : `the connection to ${server} failed` };
}
