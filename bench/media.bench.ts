// Media benchmark: a 50 MB file uploaded and downloaded end to end on loopback through the private
// Prosody's XEP-0363 service. Run alone: npx tsx bench/media.bench.ts (or through bench/all.ts).
// Prints one JSON object on stdout: {figures:[{name,unit,median,p99,baselineMedian,ratio}]};
// progress goes to stderr.
//
// Three ways, interleaved run by run so they share the machine's mood:
//  - baseline: a slot asked for by a bare XMPP connection, then http-transfer.ts's httpPut from the
//    file and httpGet into a file: the floor of what Prosody and the loopback allow;
//  - XMPP: XmppAdapter.upload + download (slot, size checks, .part + rename);
//  - interop: InteropAdapter.upload + download (padding, AES-256-GCM, digest), when the interop
//    adapter has them.
// Throughput is the file's size over the time for upload + download, in MB/s (10^6 bytes); for
// "MB/s" the ratio is baseline/measured, so above 1 means "that many times slower than bare HTTP";
// p99 is the slow end (the rate every run beat, with 5 runs the slowest). "Client CPU time" is this
// process's user + system time per transfer (ratio measured/baseline). Memory is the growth of
// this process's RSS during one transfer over its RSS just before it (after a GC): it must stay
// flat, as files stream and are never held whole.
//
// Knobs: BENCH_MEDIA_MB (default 50), BENCH_MEDIA_RUNS (default 5, plus one warm-up).
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AttachmentMeta, ProtocolAdapter, RemoteAttachment } from '../protocols/adapter';
import { InteropAdapter } from '../protocols/interop';
import { XmppAdapter } from '../protocols/xmpp';
import { httpGet, httpPut } from '../protocols/xmpp/http-transfer';
import { discoverUploadService, requestSlot } from '../protocols/xmpp/upload-service';
import { memoryContext, online, rawClient, Recorder } from '../protocols/xmpp/test-harness';
import { startProsody, type ProsodyServer } from '../test/servers/prosody';

interface Figure {
  name: string;
  unit: 'MB/s' | 'MB' | 'ms';
  median: number;
  p99: number;
  baselineMedian: number | null;
  ratio: number | null;
}

const SIZE = Math.round(Number(process.env.BENCH_MEDIA_MB ?? 50) * 1_000_000);
const RUNS = Number(process.env.BENCH_MEDIA_RUNS ?? 5);
const MB = 1_000_000;

const progress = (msg: string): void => void process.stderr.write(`${msg}\n`);
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number): number => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};

// A GC before each transfer, so its RSS growth is its own and not the previous run's garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Sample {
  seconds: number;
  rssGrowthMb: number;
  /** CPU time (user + system) this process spent on the transfer. */
  cpuMs: number;
}

/** Times `transfer` and samples RSS every 25 ms while it runs (every 5 ms cost a third of the client's CPU time). */
async function measure(transfer: () => Promise<void>): Promise<Sample> {
  gc();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await transfer();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { seconds, rssGrowthMb: (peak - before) / MB, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= 1 << 20) {
    if (!out.write(randomBytes(Math.min(left, 1 << 20)))) await once(out, 'drain');
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

type Variant = { name: string; run: (dest: string) => Promise<void> };

async function adapterRoundTrip(sender: ProtocolAdapter, receiver: ProtocolAdapter, file: string, dest: string): Promise<void> {
  const meta: AttachmentMeta = { kind: 'file', mime: 'application/octet-stream', name: 'bench.bin', size: SIZE };
  if (!sender.upload || !receiver.download) throw new Error(`${sender.info.name} has no upload/download`);
  const uploaded: RemoteAttachment = await sender.upload(file, meta);
  await receiver.download(uploaded, dest);
}

function rateFigure(name: string, measured: Sample[], baseline: Sample[] | null): Figure {
  const rates = measured.map((s) => SIZE / MB / s.seconds);
  const median = quantile(rates, 0.5);
  const baselineMedian = baseline ? quantile(baseline.map((s) => SIZE / MB / s.seconds), 0.5) : null;
  return {
    name, unit: 'MB/s', median: round(median), p99: round(quantile(rates, 0.01)),
    baselineMedian: baselineMedian === null ? null : round(baselineMedian), ratio: baselineMedian === null ? null : round(baselineMedian / median),
  };
}

function cpuFigure(name: string, measured: Sample[], baseline: Sample[]): Figure {
  const median = quantile(measured.map((s) => s.cpuMs), 0.5);
  const baselineMedian = quantile(baseline.map((s) => s.cpuMs), 0.5);
  return { name, unit: 'ms', median: Math.round(median), p99: Math.round(quantile(measured.map((s) => s.cpuMs), 0.99)), baselineMedian: Math.round(baselineMedian), ratio: round(median / baselineMedian) };
}

function memoryFigure(name: string, measured: Sample[], baseline: Sample[]): Figure {
  const growth = measured.map((s) => s.rssGrowthMb);
  const baselineMedian = quantile(baseline.map((s) => s.rssGrowthMb), 0.5);
  const median = quantile(growth, 0.5);
  return { name, unit: 'MB', median: round(median, 1), p99: round(quantile(growth, 0.99), 1), baselineMedian: round(baselineMedian, 1), ratio: null };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-media-bench-'));
  let server: ProsodyServer | null = null;
  const adapters: ProtocolAdapter[] = [];
  try {
    server = await startProsody({ httpUpload: true });
    const srv = server;
    await Promise.all(['alice', 'bob', 'carol', 'dave', 'erin'].map((u) => srv.register(u, `${u}-pw`)));
    const file = join(dir, 'source.bin');
    progress(`writing a ${SIZE / MB} MB random file`);
    await writeRandomFile(file, SIZE);
    const expected = await sha256(file);

    const settings = (user: string) => ({ address: `${user}@${srv.domain}`, password: `${user}-pw`, host: srv.host, port: srv.c2sPort, trustedCa: srv.caPem });
    const raw = await rawClient(srv, 'erin', 'erin-pw');
    const service = await discoverUploadService(raw.iqCaller, srv.domain);
    if (!service) throw new Error('the benchmark Prosody has no upload service');

    const xmppAlice = new XmppAdapter(settings('alice'), memoryContext());
    const xmppBob = new XmppAdapter(settings('bob'), memoryContext());
    adapters.push(xmppAlice, xmppBob);
    await Promise.all([xmppAlice, xmppBob].map((adapter) => online({ address: 'bench', adapter, events: new Recorder(adapter) })));

    const variants: Variant[] = [
      {
        name: 'baseline',
        run: async (dest) => {
          const slot = await requestSlot(raw.iqCaller, service, { name: 'bench.bin', size: SIZE, mime: 'application/octet-stream' });
          // The benchmark's own server on 127.0.0.1: allowed like an account's own server is.
          const allowed = { allowedHosts: [srv.host] };
          await httpPut(slot.putUrl, createReadStream(file), SIZE, { ...slot.headers, 'Content-Type': 'application/octet-stream' }, allowed);
          const { body } = await httpGet(slot.getUrl, SIZE, allowed);
          await pipeline(body, createWriteStream(dest));
        },
      },
      { name: 'xmpp', run: (dest) => adapterRoundTrip(xmppAlice, xmppBob, file, dest) },
    ];

    const interopAlice = new InteropAdapter(settings('carol'), memoryContext());
    const interopBob = new InteropAdapter(settings('dave'), memoryContext());
    adapters.push(interopAlice, interopBob);
    await Promise.all([interopAlice, interopBob].map((adapter) => online({ address: 'bench', adapter, events: new Recorder(adapter) })));
    variants.push({ name: 'interop', run: (dest) => adapterRoundTrip(interopAlice, interopBob, file, dest) });

    const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
    for (let run = -1; run < RUNS; run++) {
      for (const variant of variants) {
        const dest = join(dir, `${variant.name}-${run}.bin`);
        const sample = await measure(() => variant.run(dest));
        const { size } = await stat(dest);
        if (size !== SIZE || (await sha256(dest)) !== expected) throw new Error(`${variant.name}: the downloaded file differs from the uploaded one`);
        await rm(dest);
        progress(`${run < 0 ? 'warm-up' : `run ${run + 1}/${RUNS}`} ${variant.name}: ${(SIZE / MB / sample.seconds).toFixed(1)} MB/s, CPU ${Math.round(sample.cpuMs)} ms, RSS +${sample.rssGrowthMb.toFixed(1)} MB`);
        if (run >= 0) samples.get(variant.name)?.push(sample);
      }
    }
    await raw.close();

    const baseline = samples.get('baseline') ?? [];
    const xmpp = samples.get('xmpp') ?? [];
    const interop = samples.get('interop') ?? [];
    const label = `${SIZE / MB} MB upload + download`;
    const figures: Figure[] = [
      rateFigure(`plain HTTP PUT + GET, ${label}`, baseline, null),
      rateFigure(`XMPP adapter, ${label}`, xmpp, baseline),
      rateFigure(`interop adapter (encrypted), ${label}`, interop, baseline),
      // The issue's own bar: encryption costs under 1.5× of the same transfer unencrypted.
      rateFigure(`interop vs XMPP (the cost of encryption), ${label}`, interop, xmpp),
    ];
    // Prosody's share of the time is the same for all three and on a busy machine it dominates the
    // wall clock; this process's CPU time is what the client itself costs (and what encryption adds).
    figures.push(cpuFigure(`client CPU time, XMPP ${label}`, xmpp, baseline));
    figures.push(cpuFigure(`client CPU time, interop ${label}`, interop, baseline));
    figures.push(memoryFigure(`peak RSS growth during an XMPP ${label}`, xmpp, baseline));
    figures.push(memoryFigure(`peak RSS growth during an interop ${label}`, interop, baseline));
    process.stdout.write(`${JSON.stringify({ figures }, null, 2)}\n`);
  } finally {
    await Promise.allSettled(adapters.map((a) => a.disconnect()));
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
