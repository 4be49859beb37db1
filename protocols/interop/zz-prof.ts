import { startProsody } from '../../test/servers/prosody.js';
import { caughtUp, device, online, waitForCount } from './test-harness.js';
const server = await startProsody();
await Promise.all([server.register('alice', 'a'), server.register('bob', 'b')]);
const o = { adapter: { deviceListMaxAgeMs: 300 } };
const a1 = device(server, 'alice', 'a', o); await online(a1);
const a2 = device(server, 'alice', 'a', { ...o, linkedTo: a1 }); 
const b1 = device(server, 'bob', 'b', o); await online(b1);
const b2 = device(server, 'bob', 'b', { ...o, linkedTo: b1 });
await Promise.all([online(a2), online(b2)]);
await Promise.all([a1, a2, b1, b2].map((d) => caughtUp(d)));
const { readFileSync } = await import('node:fs');
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const p0 = cpu(server.pid!);
const n = 500; const t = Date.now(); const c = process.cpuUsage();
await Promise.all([
  Promise.all(Array.from({ length: n }, (_, i) => a1.adapter.send('bob@localhost', { clientId: `a${i}`, body: `a ${i}` }))),
  Promise.all(Array.from({ length: n }, (_, i) => b1.adapter.send('alice@localhost', { clientId: `b${i}`, body: `b ${i}` }))),
]);
try { for (const d of [b1, b2, a2]) await waitForCount(d, 'x', (m) => m.body.startsWith('a '), n); } catch (e) { console.error(String(e)); for (const d of [a1, a2]) console.error(d.adapter.deviceId, d.ctx.lines.filter((l) => l.level !== 'debug' || /ack/.test(l.msg)).slice(0, 12), d.events.events.filter((e) => e.type === 'undecryptable').length); process.exit(1); }
for (const d of [a1, a2, b2]) await waitForCount(d, 'x', (m) => m.body.startsWith('b '), n);
console.error('done', Date.now() - t, 'prosody', cpu(server.pid!) - p0, process.cpuUsage(c));
await Promise.all([a1, a2, b1, b2].map((d) => d.adapter.disconnect()));
await server.dispose(); process.exit(0);
