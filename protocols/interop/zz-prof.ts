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
const n = 500; const t = Date.now(); const c = process.cpuUsage();
await Promise.all([
  Promise.all(Array.from({ length: n }, (_, i) => a1.adapter.send('bob@localhost', { clientId: `a${i}`, body: `a ${i}` }))),
  Promise.all(Array.from({ length: n }, (_, i) => b1.adapter.send('alice@localhost', { clientId: `b${i}`, body: `b ${i}` }))),
]);
for (const d of [b1, b2, a2]) await waitForCount(d, 'x', (m) => m.body.startsWith('a '), n);
for (const d of [a1, a2, b2]) await waitForCount(d, 'x', (m) => m.body.startsWith('b '), n);
console.error('done', Date.now() - t, process.cpuUsage(c));
await Promise.all([a1, a2, b1, b2].map((d) => d.adapter.disconnect()));
await server.dispose(); process.exit(0);
