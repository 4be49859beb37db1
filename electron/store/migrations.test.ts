import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readSchemaVersion, SchemaTooNewError } from './migrate';
import { latestVersion, migrations } from './migrations/index';
import { openStore } from './store';
import { tempDir } from './test-helpers';
import type { Store } from './types';

/**
 * Representative data written with the SQL of one schema version, and what must be true of it
 * once the store has upgraded the file to the latest version. A new migration N+1 needs a seed
 * for version N here — the test below fails until it has one.
 */
const seeds: Record<number, { seed(db: Database.Database): void; verify(store: Store): void }> = {
  0: {
    // Version 0 is a file no Switchboard has written to yet: there is no schema to put data in.
    seed: () => {},
    verify: (store) => expect(store.listAccounts()).toEqual([]),
  },
  1: {
    seed: (db) => {
      db.exec(`
        INSERT INTO accounts VALUES ('a1', 'xmpp', 'me@example.org', '{}', 1);
        INSERT INTO adapter_state VALUES ('a1', 'mam-cursor', 'abc');
        INSERT INTO chats (id, account_id, network, address, title, kind, inbox, security_json, pinned,
                           created_at, last_message_id, last_sent_at, last_preview, last_activity_at, unread_count)
          VALUES (7, 'a1', 'xmpp', 'bob@example.org', 'Bob', 'direct', 'native',
                  '{"e2ee":false,"protocol":null,"endsAt":"server","label":"x"}', 1, 1, 2, 200, 'see you', 200, 1);
        INSERT INTO messages (id, chat_id, account_id, network_id, client_id, sender, from_me, body, sent_at, status)
          VALUES (1, 7, 'a1', 'n1', NULL, 'bob@example.org', 0, 'hello there', 100, 'received'),
                 (2, 7, 'a1', NULL, 'c1', 'me@example.org', 1, 'see you', 200, 'queued');
      `);
    },
    verify: (store) => {
      expect(store.getAdapterState('a1', 'mam-cursor')).toBe('abc');
      const chat = store.findChat('a1', 'bob@example.org');
      expect(chat).toMatchObject({ id: 7, title: 'Bob', pinned: true, lastMessageId: 2, unreadCount: 1 });
      expect(store.listQueued('a1').map((m) => m.clientId)).toEqual(['c1']);
      expect(store.search('hello', 10).map((h) => h.message.id)).toEqual([1]);
      expect(store.listMessages(7, null, 10).messages.map((m) => m.body)).toEqual(['hello there', 'see you']);
      // Version 2: chats from before interop were all accepted, unverified; every message is text.
      expect(chat).toMatchObject({ requestState: 'accepted', verified: false, identityChanged: false });
      expect(store.listMessages(7, null, 10).messages.map((m) => m.kind)).toEqual(['text', 'text']);
      expect(store.getSetting('interop.enabled')).toBeUndefined();
    },
  },
  2: {
    seed: (db) => {
      db.exec(`
        INSERT INTO settings VALUES ('interop.enabled', '1');
        INSERT INTO accounts VALUES ('a2', 'interop', 'me@gatekeeper.example', '{}', 1);
        INSERT INTO chats (id, account_id, network, address, title, kind, inbox, security_json, created_at,
                           last_activity_at, request_state, verified, identity_changed)
          VALUES (9, 'a2', 'interop', 'eve@gatekeeper.example', 'Eve', 'direct', 'interop',
                  '{"e2ee":true,"protocol":"Signal Protocol","endsAt":"recipient-device","label":"x"}', 1, 1,
                  'pending', 1, 1);
        INSERT INTO messages (id, chat_id, account_id, network_id, sender, from_me, body, sent_at, status, kind)
          VALUES (3, 9, 'a2', NULL, 'eve@gatekeeper.example', 0, 'Eve''s safety number changed', 50, 'received', 'notice');
      `);
    },
    verify: (store) => {
      expect(store.getSetting('interop.enabled')).toBe('1');
      expect(store.findChat('a2', 'eve@gatekeeper.example')).toMatchObject({
        requestState: 'pending',
        verified: true,
        identityChanged: true,
      });
      expect(store.listMessages(9, null, 10).messages.map((m) => m.kind)).toEqual(['notice']);
      expect(store.search('safety', 10)).toEqual([]);
      // Version 3: messages from before media are text without attachments.
      expect(store.listMessages(9, null, 10).messages.map((m) => m.attachmentCount)).toEqual([0]);
      expect(store.listAttachments(3)).toEqual([]);
    },
  },
  3: {
    seed: (db) => {
      db.exec(`
        INSERT INTO accounts VALUES ('a3', 'xmpp', 'me@example.org', '{}', 1);
        INSERT INTO chats (id, account_id, network, address, title, kind, inbox, security_json, created_at, last_activity_at)
          VALUES (11, 'a3', 'xmpp', 'dan@example.org', 'Dan', 'direct', 'native',
                  '{"e2ee":false,"protocol":null,"endsAt":"server","label":"x"}', 1, 1);
        INSERT INTO messages (id, chat_id, account_id, network_id, sender, from_me, body, sent_at, status)
          VALUES (20, 11, 'a3', 'n20', 'dan@example.org', 0, 'gorgonzola please', 70, 'received');
        INSERT INTO messages (id, chat_id, account_id, network_id, sender, from_me, body, sent_at, status, attachment_count)
          VALUES (22, 11, 'a3', 'n22', 'dan@example.org', 0, 'look', 75, 'received', 1);
        INSERT INTO attachments (id, message_id, ordinal, kind, mime, size, name, width, height, thumbnail,
                                 remote_ref, content_hash, transfer_state, transferred, played)
          VALUES (31, 22, 0, 'image', 'image/jpeg', 1234, 'cat.jpg', 640, 480, 'AAAA', 'https://up.example/cat.jpg',
                  '${'ab'.repeat(32)}', 'done', 1234, 0);
      `);
    },
    verify: (store) => {
      // Version 4: the store indexes new messages itself; what the trigger indexed stays found.
      expect(store.search('gorgonzola', 10).map((h) => h.message.id)).toEqual([20]);
      store.insertIncoming('a3', 11, {
        chat: 'dan@example.org', networkId: 'n21', sender: 'dan@example.org', fromMe: false,
        body: 'more gorgonzola', sentAt: 80, historical: false,
      });
      expect(store.search('gorgonzola', 10).map((h) => h.message.body)).toEqual(['more gorgonzola', 'gorgonzola please']);
      // Attachments written at version 3 keep their rows and transfer state.
      expect(store.getMessage(22)).toMatchObject({ body: 'look', attachmentCount: 1 });
      expect(store.listAttachments(22)).toEqual([
        expect.objectContaining({ id: 31, kind: 'image', name: 'cat.jpg', width: 640, remoteRef: 'https://up.example/cat.jpg', transferState: 'done', contentHash: 'ab'.repeat(32) }),
      ]);
    },
  },
};

describe('migrations', () => {
  let cleanups: Array<() => void> = [];
  afterEach(() => {
    cleanups.forEach((c) => c());
    cleanups = [];
  });
  function freshPath(): string {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    return join(dir, 'switchboard.sqlite');
  }

  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('build the latest schema on an empty file', () => {
    const store = openStore(freshPath());
    expect(store.schemaVersion).toBe(latestVersion);
    store.close();
  });

  for (let k = 0; k < latestVersion; k++) {
    it(`upgrade a database at version ${k} to ${latestVersion} and keep its data`, () => {
      const seed = seeds[k];
      expect(seed, `a seed for schema version ${k} (add one to migrations.test.ts)`).toBeDefined();
      const path = freshPath();
      const db = new Database(path);
      expect(migrate(db, path, { target: k })).toBe(k);
      seed?.seed(db);
      db.close();

      const store = openStore(path);
      try {
        expect(store.schemaVersion).toBe(latestVersion);
        seed?.verify(store);
      } finally {
        store.close();
      }
    });
  }

  it('keep data written at the latest version across reopening', () => {
    const path = freshPath();
    openStore(path).close();
    const db = new Database(path);
    seeds[latestVersion]?.seed(db);
    db.close();
    const store = openStore(path);
    seeds[latestVersion]?.verify(store);
    store.close();
  });

  it('refuse a database from a newer Switchboard, naming both versions, and leave it alone', () => {
    const path = freshPath();
    const db = new Database(path);
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();

    let error: unknown;
    try {
      openStore(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaTooNewError);
    const message = (error as Error).message;
    expect(message).toContain(`version ${latestVersion + 1}`);
    expect(message).toContain(`version ${latestVersion}`);
    expect(message).toMatch(/older Switchboard/);

    const after = new Database(path);
    expect(readSchemaVersion(after)).toBe(latestVersion + 1);
    expect(after.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get()).toEqual({ n: 0 });
    after.close();
  });

  it('roll back a failing migration and leave the version where it was', () => {
    const path = freshPath();
    const db = new Database(path);
    const broken = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: 'broken',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE half_done (x INTEGER)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, path, { migrations: broken })).toThrow('boom');
    expect(readSchemaVersion(db)).toBe(latestVersion);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    db.close();
  });
});
