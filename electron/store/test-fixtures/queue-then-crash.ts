// Child process for crash.test.ts: queues one outgoing message, says so on stdout, then waits to
// be killed with SIGKILL before it could ever mark the message sent.
import { openStore } from '../store';
import { ACCOUNT, chatInfo } from '../test-helpers';

const path = process.argv[2];
if (!path) throw new Error('usage: queue-then-crash.ts <database path>');

const store = openStore(path);
store.addAccount(ACCOUNT);
const chat = store.upsertChat(ACCOUNT.id, chatInfo('bob@example.org'), 1);
const row = store.queueOutgoing({ chatId: chat.id, clientId: 'crash-1', body: 'survives a crash', now: 2 });
process.stdout.write(`queued ${row.id}\n`);
// Keep the connection open (no close, no checkpoint): the kill must find the row in the WAL only.
setInterval(() => {}, 1_000);
