// Which network addresses an attachment transfer may connect to. A received attachment's URL is the
// sender's choice, and images and voice are fetched without a click: left alone, anyone could make
// this machine send GETs into its own network (a router's admin page, a cloud metadata service at
// 169.254.169.254, a development server on 127.0.0.1). So transfers go to public unicast addresses
// only, with one exception: the account's own server (its host setting and domain, and whatever
// they resolve to), which may well be on a private network or on this machine.
//
// The check is made on the addresses a name resolves to, in the `lookup` the socket connects with
// (see http-connect.ts), so the address checked is the address connected to: a name that answers
// with a public address for one query and 127.0.0.1 for the next (DNS rebinding) gains nothing.
import dns from 'node:dns';
import net from 'node:net';

/** The 4 bytes of a dotted IPv4 address, or null. */
function ipv4Bytes(text: string): number[] | null {
  if (!net.isIPv4(text)) return null;
  return text.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (a zone id is ignored; a dotted IPv4 tail is read), or null. */
function ipv6Bytes(text: string): number[] | null {
  const zone = text.indexOf('%');
  let s = (zone >= 0 ? text.slice(0, zone) : text).toLowerCase();
  if (!net.isIPv6(s)) return null;
  const lastColon = s.lastIndexOf(':');
  const v4 = ipv4Bytes(s.slice(lastColon + 1));
  if (v4) s = `${s.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  const [head = '', tail] = s.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  if (all.length !== 8) return null;
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** An address as 4 bytes (IPv4, also when written as IPv4-mapped IPv6) or 16 (IPv6), or null. */
function addressBytes(address: string): number[] | null {
  const v4 = ipv4Bytes(address);
  if (v4) return v4;
  const v6 = ipv6Bytes(address);
  if (!v6) return null;
  return isMapped(v6) ? v6.slice(12) : v6;
}

/** ::ffff:a.b.c.d */
function isMapped(b: number[]): boolean {
  return b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

function publicV4(b: number[]): boolean {
  const [a = 0, c = 0, d = 0] = b;
  if (a === 0 || a === 10 || a === 127) return false; // "this network", RFC 1918, loopback
  if (a === 100 && (c & 0xc0) === 64) return false; // 100.64.0.0/10, carrier-grade NAT
  if (a === 169 && c === 254) return false; // link-local (cloud metadata services)
  if (a === 172 && (c & 0xf0) === 16) return false; // RFC 1918
  if (a === 192 && c === 168) return false; // RFC 1918
  if (a === 192 && c === 0 && (d === 0 || d === 2)) return false; // IETF assignments, TEST-NET-1
  if (a === 198 && (c & 0xfe) === 18) return false; // benchmarking
  if (a === 198 && c === 51 && d === 100) return false; // TEST-NET-2
  if (a === 203 && c === 0 && d === 113) return false; // TEST-NET-3
  return a < 224; // not multicast (224/4), reserved (240/4) or broadcast
}

function publicV6(b: number[]): boolean {
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that is what is reached.
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0)) return publicV4(b.slice(12));
  if (b[0] === 0x20 && b[1] === 0x02) return publicV4(b.slice(2, 6));
  // 2001::/23: IETF special purpose (Teredo, benchmarking, ORCHID…); 2001:db8::/32: documentation.
  if (b[0] === 0x20 && b[1] === 0x01 && (b[2]! & 0xfe) === 0) return false;
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return false;
  // Global unicast is 2000::/3; everything else (::, ::1, IPv4-compatible, fc00::/7 ULA, fe80::/10
  // link-local, fec0::/10, ff00::/8 multicast, 100::/64 discard…) is not reached by a download.
  return (b[0]! & 0xe0) === 0x20;
}

/** Whether `address` (an IP address, v4 or v6) is public unicast: anything else is refused. */
export function isPublicAddress(address: string): boolean {
  const b = addressBytes(address);
  if (!b) return false;
  return b.length === 4 ? publicV4(b) : publicV6(b);
}

/** Whether `host` is a loopback address literal (127.0.0.0/8, ::1, ::ffff:127.x.x.x); brackets allowed. */
export function isLoopbackAddress(host: string): boolean {
  const b = addressBytes(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
  if (!b) return false;
  return b.length === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}

/** One spelling per address, so '::ffff:127.0.0.1', '::ffff:7f00:1' and '127.0.0.1' compare equal. */
function canonical(address: string): string | null {
  const b = addressBytes(address);
  if (!b) return null;
  return b.length === 4 ? b.join('.') : b.map((x) => x.toString(16).padStart(2, '0')).join('');
}

function hostKey(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return canonical(bare) ?? bare.toLowerCase().replace(/\.$/, '');
}

/**
 * The rule for one transfer: public addresses, plus the allowed hosts (the account's own server)
 * and the addresses they resolve to. The allowed names are resolved only when a non-public address
 * turns up, once per guard.
 */
export class AddressGuard {
  private readonly hosts: Set<string>;
  private resolved: Promise<Set<string>> | null = null;

  constructor(allowedHosts: readonly string[] = []) {
    this.hosts = new Set(allowedHosts.filter((h) => h.length > 0).map(hostKey));
  }

  /** Whether `host` (a URL's host name or address literal) is one of the allowed hosts. */
  allowsHost(host: string): boolean {
    return this.hosts.has(hostKey(host));
  }

  /** Whether a connection to `address` (an IP address) is allowed. */
  async permits(address: string): Promise<boolean> {
    if (isPublicAddress(address)) return true;
    const key = canonical(address);
    if (key === null) return false;
    this.resolved ??= this.resolveAllowed();
    return (await this.resolved).has(key);
  }

  /**
   * A `lookup` for net.connect / http.request: resolves like dns.lookup and passes on only the
   * permitted addresses; when none is left it fails with `refusal()`. Node connects to exactly the
   * address this answers with (with autoSelectFamily, to one of them).
   */
  lookup(refusal: () => Error): net.LookupFunction {
    return (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) {
          callback(err, '', 0);
          return;
        }
        void Promise.all(addresses.map(async (a) => ((await this.permits(a.address)) ? a : null))).then((checked) => {
          const kept = checked.filter((a): a is dns.LookupAddress => a !== null);
          const first = kept[0];
          if (!first) callback(refusal() as NodeJS.ErrnoException, '', 0);
          else if (options.all) callback(null, kept);
          else callback(null, first.address, first.family);
        });
      });
    };
  }

  private async resolveAllowed(): Promise<Set<string>> {
    const out = new Set<string>();
    await Promise.all([...this.hosts].map(async (host) => {
      if (net.isIP(host) || /^[0-9a-f]{32}$/.test(host)) {
        out.add(host);
        return;
      }
      try {
        for (const { address } of await dns.promises.lookup(host, { all: true })) {
          const key = canonical(address);
          if (key !== null) out.add(key);
        }
      } catch {
        // A name that does not resolve allows nothing.
      }
    }));
    return out;
  }
}
