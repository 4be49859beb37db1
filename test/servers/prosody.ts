// A private Prosody for tests: its own throwaway CA, certificate, ports, data and logs in a temp dir.
// Used by protocols/xmpp integration tests and by the Playwright e2e suite, so the API is stable:
//
//   const server = await startProsody({ httpUpload: true });  // optionally httpUploadSizeLimit: 8 << 20
//   await server.register('alice', 'secret');          // alice@localhost
//   // connect to server.host:server.c2sPort, trust server.caPem (or NODE_EXTRA_CA_CERTS=server.caPath)
//   await server.stop();  await server.start();         // a clean restart on the same ports and data
//   await server.kill();                                // SIGKILL: a server that dies
//   server.freeze(); server.thaw();                     // SIGSTOP/SIGCONT: a server that hangs
//   await server.dispose();                             // stop and delete the temp dir
//
// The server never outlives the test process: it is killed on process exit, and a detached watchdog
// kills it if the test process itself is SIGKILLed.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProsodyOptions {
  /** Adds an XEP-0363 component at `upload.localhost` (mod_http_file_share) on `httpPort`. */
  httpUpload?: boolean;
  /**
   * The upload service's max-file-size in bytes. Default 128 MiB: room for the 50 MB benchmark file
   * and its encrypted form. Tests of the limit set a small one.
   */
  httpUploadSizeLimit?: number;
}

/** The default upload limit; see ProsodyOptions.httpUploadSizeLimit. */
export const DEFAULT_UPLOAD_LIMIT = 128 * 1024 * 1024;

export interface ProsodyServer {
  /** The XMPP domain: users are `<name>@localhost`. */
  readonly domain: string;
  /** Where the server listens (c2s and http). */
  readonly host: string;
  readonly c2sPort: number;
  readonly httpPort: number;
  /** The upload component's JID when started with httpUpload, else null. */
  readonly uploadDomain: string | null;
  /** The upload service's max-file-size when started with httpUpload, else null. */
  readonly uploadSizeLimit: number | null;
  /** The throwaway CA that signed the server certificate (PEM). */
  readonly caPem: string;
  /** The same CA as a file, for NODE_EXTRA_CA_CERTS in other processes. */
  readonly caPath: string;
  /** The temp dir holding config, certificates, data and logs (prosody.log, prosody.err). */
  readonly dir: string;
  register(user: string, password: string): Promise<void>;
  /** SIGTERM, resolves when the process has exited. */
  stop(): Promise<void>;
  /** Starts again on the same ports and data; resolves when the c2s port accepts connections. */
  start(): Promise<void>;
  /** SIGKILL, resolves when the process has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets open but answers nothing, like a hung host. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** The running server's process id, or null while stopped. */
  readonly pid: number | null;
  /** stop() and remove the temp dir. */
  dispose(): Promise<void>;
}

const DOMAIN = 'localhost';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS gave no free port'))));
    });
  });
}

async function makeCertificates(dir: string): Promise<{ caPath: string; certPath: string; keyPath: string }> {
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'localhost.key');
  const csr = join(dir, 'localhost.csr');
  const certPath = join(dir, 'localhost.crt');
  const ext = join(dir, 'localhost.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', caKey, '-out', caPath, '-days', '2',
    '-subj', '/CN=Switchboard test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ec, '-keyout', keyPath, '-out', csr, '-subj', '/CN=localhost']);
  await writeFile(ext, 'subjectAltName=DNS:localhost,DNS:upload.localhost,IP:127.0.0.1\n' +
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial',
    '-out', certPath, '-days', '2', '-extfile', ext]);
  return { caPath, certPath, keyPath };
}

function configText(p: { dir: string; c2sPort: number; httpPort: number; certPath: string; keyPath: string; httpUpload: number | null }): string {
  const lua = (s: string): string => JSON.stringify(s);
  const ssl = `{ certificate = ${lua(p.certPath)}, key = ${lua(p.keyPath)} }`;
  const lines = [
    'run_as_root = true',
    'daemonize = false',
    `pidfile = ${lua(join(p.dir, 'prosody.pid'))}`,
    `data_path = ${lua(join(p.dir, 'data'))}`,
    `admin_socket = ${lua(join(p.dir, 'prosody.sock'))}`,
    `interfaces = { ${lua(HOST)} }`,
    `local_interfaces = { ${lua(HOST)} }`,
    `c2s_ports = { ${p.c2sPort} }`,
    'c2s_direct_tls_ports = {}',
    'legacy_ssl_ports = {}',
    's2s_ports = {}',
    `http_ports = { ${p.httpPort} }`,
    `http_interfaces = { ${lua(HOST)} }`,
    'https_ports = {}',
    'c2s_require_encryption = true',
    'allow_registration = false',
    'authentication = "internal_hashed"',
    'storage = "internal"',
    'archive_expires_after = "never"',
    'default_archive_policy = true',
    'smacks_hibernation_time = 60',
    // Prosody reads sockets 4 KiB at a time by default, which made a 10 MB upload take 5-9 s on
    // loopback (0.3-0.8 s with 256 KiB): uploads would measure Prosody's read loop, not the client.
    ...(p.httpUpload !== null ? ['network_default_read_size = 262144'] : []),
    `certificates = ${lua(p.dir)}`,
    `ssl = ${ssl}`,
    `log = { error = ${lua(join(p.dir, 'prosody.err'))}, info = ${lua(join(p.dir, 'prosody.log'))} }`,
    'modules_enabled = { "roster", "saslauth", "tls", "disco", "carbons", "pep", "mam", "smacks",',
    '  "ping", "register", "offline", "posix" }',
    'modules_disabled = { "s2s" }',
    `VirtualHost ${lua(DOMAIN)}`,
    `  ssl = ${ssl}`,
  ];
  if (p.httpUpload !== null) {
    lines.push(
      `Component ${lua('upload.' + DOMAIN)} "http_file_share"`,
      `  http_external_url = ${lua(`http://${HOST}:${p.httpPort}/`)}`,
      `  http_host = ${lua(HOST)}`,
      // Announced as max-file-size in disco. Bodies over http_max_content_size (10 MiB) are
      // streamed to disk by mod_http_file_share (streaming_uploads), so no HTTP limit needs raising.
      `  http_file_share_size_limit = ${p.httpUpload}`,
      // The default daily quota is ten files at the limit per user; benchmarks upload far more.
      `  http_file_share_daily_quota = ${p.httpUpload * 1000}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: HOST, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

async function tail(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

export async function startProsody(options: ProsodyOptions = {}): Promise<ProsodyServer> {
  installExitHook();
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-prosody-'));
  await mkdir(join(dir, 'data'));
  const [c2sPort, httpPort, certs] = await Promise.all([freePort(), freePort(), makeCertificates(dir)]);
  const configPath = join(dir, 'prosody.cfg.lua');
  const uploadSizeLimit = options.httpUpload ? options.httpUploadSizeLimit ?? DEFAULT_UPLOAD_LIMIT : null;
  if (uploadSizeLimit !== null && !(Number.isSafeInteger(uploadSizeLimit) && uploadSizeLimit > 0)) {
    throw new Error(`httpUploadSizeLimit must be a positive number of bytes, not ${uploadSizeLimit}`);
  }
  await writeFile(configPath, configText({ dir, c2sPort, httpPort, ...certs, httpUpload: uploadSizeLimit }));
  const caPem = await readFile(certs.caPath, 'utf8');

  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    if (child) throw new Error(`Prosody in ${dir} is already running (pid ${child.pid})`);
    const proc = spawn('prosody', ['--config', configPath, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-4000); };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    child = proc;
    running.add(proc);
    proc.once('exit', () => { running.delete(proc); if (child === proc) child = null; });
    if (proc.pid !== undefined) startWatchdog(proc.pid, dir);

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`Prosody exited during start (code ${proc.exitCode}, signal ${proc.signalCode}).\n` +
          `output: ${output}\nprosody.err: ${await tail(join(dir, 'prosody.err'))}`);
      }
      if (await portAccepts(c2sPort)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    proc.kill('SIGKILL');
    throw new Error(`Prosody did not accept connections on ${HOST}:${c2sPort} within ${START_TIMEOUT_MS} ms.\n` +
      `output: ${output}\nprosody.log: ${await tail(join(dir, 'prosody.log'))}`);
  }

  async function signal(sig: NodeJS.Signals): Promise<void> {
    const proc = child;
    if (!proc) return;
    proc.kill(sig);
    // A frozen server would only see SIGTERM once continued.
    if (sig === 'SIGTERM') proc.kill('SIGCONT');
    if (!(await waitExit(proc, STOP_TIMEOUT_MS))) {
      proc.kill('SIGKILL');
      await waitExit(proc, STOP_TIMEOUT_MS);
    }
    child = null;
  }

  try {
    await start();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    domain: DOMAIN,
    host: HOST,
    c2sPort,
    httpPort,
    uploadDomain: options.httpUpload ? `upload.${DOMAIN}` : null,
    uploadSizeLimit,
    caPem,
    caPath: certs.caPath,
    dir,
    async register(user: string, password: string): Promise<void> {
      try {
        await run('prosodyctl', ['--config', configPath, 'register', user, DOMAIN, password]);
      } catch (err) {
        throw new Error(`prosodyctl could not register ${user}@${DOMAIN}: ${(err as Error).message}`);
      }
    },
    get pid(): number | null {
      return child?.pid ?? null;
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    stop: () => signal('SIGTERM'),
    start,
    kill: () => signal('SIGKILL'),
    async dispose(): Promise<void> {
      await signal('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Kills the server and removes its temp dir if this test process dies without running its exit
 * hooks (e.g. SIGKILL). Polls once a second; ends by itself when the server stops first.
 */
function startWatchdog(serverPid: number, dir: string): void {
  const script = 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'if ! kill -0 "$1" 2>/dev/null; then kill -9 "$2" 2>/dev/null; rm -rf "$3"; fi; exit 0';
  const watchdog = spawn('sh', ['-c', script, 'watchdog', String(process.pid), String(serverPid), dir], { detached: true, stdio: 'ignore' });
  watchdog.unref();
}
