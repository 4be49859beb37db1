// The migration runner: brings a database to the newest schema, one migration per transaction,
// and refuses a file written by a newer Switchboard instead of guessing at its schema.
import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index';

export class SchemaTooNewError extends Error {
  constructor(
    readonly fileVersion: number,
    readonly knownVersion: number,
    path: string,
  ) {
    super(
      `The message database ${path} is at schema version ${fileVersion}, but this Switchboard ` +
        `knows only up to version ${knownVersion}: it was written by a newer Switchboard. ` +
        `Do not open it with an older Switchboard; update Switchboard instead. The file was not changed.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export function readSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws SchemaTooNewError for a file written by a newer Switchboard; run before any write. */
export function refuseNewerSchema(db: Database, path: string, known: number = allMigrations.length): void {
  const current = readSchemaVersion(db);
  if (current > known) throw new SchemaTooNewError(current, known, path);
}

/**
 * Applies every pending migration up to `target` (default: the newest) and returns the version
 * reached. `target` below the newest exists for the upgrade tests, which build old databases.
 */
export function migrate(
  db: Database,
  path: string,
  options: { target?: number; migrations?: readonly Migration[] } = {},
): number {
  const list = options.migrations ?? allMigrations;
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Migration "${m.name}" has version ${m.version} but is listed at position ${i + 1}.`);
    }
  });
  const latest = list.length;
  const target = options.target ?? latest;
  refuseNewerSchema(db, path, latest);
  const current = readSchemaVersion(db);
  for (const m of list) {
    if (m.version <= current || m.version > target) continue;
    // PRAGMA user_version is written in the same transaction: a crash leaves the file at the
    // previous version with none of this migration's changes.
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return readSchemaVersion(db);
}
