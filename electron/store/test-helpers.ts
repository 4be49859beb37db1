// Shared setup for the store's tests: a real SQLite file in a fresh temp dir per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ChatInfo, IncomingMessage } from '../../protocols/adapter';
import { openStore } from './store';
import type { AccountRow, ChatRow, Store } from './types';

export interface TempStore {
  store: Store;
  path: string;
  dir: string;
  reopen(): Store;
  cleanup(): void;
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempStore(): TempStore {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'switchboard.sqlite');
  const t: TempStore = {
    store: openStore(path),
    path,
    dir,
    reopen() {
      t.store.close();
      t.store = openStore(path);
      return t.store;
    },
    cleanup() {
      t.store.close();
      cleanup();
    },
  };
  return t;
}

export const ACCOUNT: AccountRow = {
  id: 'acc-1',
  network: 'xmpp',
  address: 'me@example.org',
  settingsJson: '{"password":"x"}',
  createdAt: 1_000,
};

export function chatInfo(address: string, title = address): ChatInfo {
  return {
    address,
    title,
    kind: 'direct',
    inbox: 'native',
    security: { e2ee: false, protocol: null, endsAt: 'server', label: 'Encrypted in transit' },
  };
}

let seq = 0;

/** An incoming message from someone else, live unless overridden. */
export function incoming(chat: string, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  seq += 1;
  return {
    chat,
    networkId: `net-${seq}`,
    sender: chat,
    fromMe: false,
    body: `hello ${seq}`,
    sentAt: 10_000 + seq,
    historical: false,
    ...overrides,
  };
}

/** A store with one account and one chat, the usual starting point. */
export function storeWithChat(address = 'bob@example.org') {
  const t = tempStore();
  t.store.addAccount(ACCOUNT);
  const chat = t.store.upsertChat(ACCOUNT.id, chatInfo(address, 'Bob'), 5_000);
  return { t, store: t.store, chat };
}

export interface StoreWithChatFixture {
  /** The current test's store (after `reopen`, the reopened one). */
  readonly store: Store;
  readonly chat: ChatRow;
  /** Closes and reopens the store file, as a restart would. */
  reopen(): Store;
}

/** `storeWithChat` fresh before each test of the calling file, and removed after it. */
export function useStoreWithChat(address?: string): StoreWithChatFixture {
  let current: ReturnType<typeof storeWithChat> | undefined;
  beforeEach(() => {
    current = storeWithChat(address);
  });
  afterEach(() => {
    current?.t.cleanup();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error('useStoreWithChat: the store exists only while a test runs');
    return current;
  };
  return {
    get store() {
      return now().t.store;
    },
    get chat() {
      return now().chat;
    },
    reopen: () => now().t.reopen(),
  };
}
