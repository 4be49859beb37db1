// Test fixture run as a child process: queues one message on a profile and then dies by SIGKILL,
// either before the outbox could send it or right after the server acknowledged it but before the
// store recorded `sent` — the two crashes the outbox must survive without loss or duplication.
// Usage: node --import tsx crashingSender.ts <profile> <chatId> <body> <before-send|after-send> <caPath>

import { readFileSync } from 'node:fs';
import { SwitchboardService } from '../service';

const [profile, chatId, body, mode, caPath] = process.argv.slice(2);
if (!profile || !chatId || !body || !caPath || (mode !== 'before-send' && mode !== 'after-send')) {
  process.stderr.write('usage: crashingSender <profile> <chatId> <body> <before-send|after-send> <caPath>\n');
  process.exit(2);
}

const service = new SwitchboardService({ dataDir: profile, trustedCa: readFileSync(caPath, 'utf8') });
if (mode === 'before-send') {
  // Accounts are not started: the message can only be written to the outbox, never sent.
  const result = await service.call('send', { chatId: Number(chatId), body });
  if (!result.ok) throw new Error(result.error.message);
  process.kill(process.pid, 'SIGKILL');
} else {
  // Die at the moment the store would record `sent`: the server has the message, the store does not know.
  service.store.markSent = () => {
    process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable');
  };
  await service.start();
  const result = await service.call('send', { chatId: Number(chatId), body });
  if (!result.ok) throw new Error(result.error.message);
  setTimeout(() => {
    process.stderr.write('the message was never acknowledged by the server\n');
    process.exit(3);
  }, 20_000);
}
