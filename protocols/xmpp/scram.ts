// SASL SCRAM (RFC 5802 / RFC 7677) with node:crypto. Ours rather than sasl-scram-sha-1 (used by
// @xmpp/client) because that one derives the key with one async WebCrypto call per PBKDF2 round
// (1.1 s per login against Prosody) and never checks the server's signature, so a server that does
// not know the password could still "accept" it.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

export type ScramHash = 'sha1' | 'sha256';

export const SCRAM_MECHANISMS: ReadonlyArray<{ name: string; hash: ScramHash }> = [
  { name: 'SCRAM-SHA-256', hash: 'sha256' },
  { name: 'SCRAM-SHA-1', hash: 'sha1' },
];

/** Below this the password is cheap to brute-force from a captured exchange; above, a hostile server burns CPU. */
const MIN_ITERATIONS = 4_096;
const MAX_ITERATIONS = 1_000_000;

function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) attributes.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return attributes;
}

export class ScramClient {
  private readonly clientNonce = randomBytes(18).toString('base64');
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | null = null;

  constructor(private readonly hash: ScramHash, username: string, private readonly password: string) {
    this.clientFirstBare = `n=${saslName(username)},r=${this.clientNonce}`;
  }

  /** The initial response (sent inside <auth/>). */
  first(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** The answer to the server's challenge (server-first-message). */
  async final(serverFirst: string): Promise<string> {
    const attributes = parseAttributes(serverFirst);
    const nonce = attributes.get('r') ?? '';
    const salt = Buffer.from(attributes.get('s') ?? '', 'base64');
    const iterations = Number(attributes.get('i'));
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) {
      throw new Error('the server changed the SCRAM nonce');
    }
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS || salt.length === 0) {
      throw new Error(`the server asked for unsafe SCRAM parameters (${iterations} iterations)`);
    }
    const length = this.hash === 'sha1' ? 20 : 32;
    const salted = await pbkdf2Async(this.password.normalize('NFKC'), salt, iterations, length, this.hash);
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] ?? 0)));
    const serverKey = createHmac(this.hash, salted).update('Server Key').digest();
    this.serverSignature = createHmac(this.hash, serverKey).update(authMessage).digest();
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** True when the server's final message proves it knows the password's keys. */
  verify(serverFinal: string): boolean {
    const v = parseAttributes(serverFinal).get('v');
    if (!v || !this.serverSignature) return false;
    const given = Buffer.from(v, 'base64');
    return given.length === this.serverSignature.length && timingSafeEqual(given, this.serverSignature);
  }
}
