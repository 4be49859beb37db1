// Every schema migration, in order. Append a new file here; never edit or reorder a shipped one,
// because databases in the field are already at its version.
import type { Database } from 'better-sqlite3';
import * as m001 from './001-initial';
import * as m002 from './002-interop';
import * as m003 from './003-media';
import * as m004 from './004-text-index-by-store';

export interface Migration {
  /** The user_version the database has after this migration; 1, 2, 3… without gaps. */
  version: number;
  name: string;
  up(db: Database): void;
}

export const migrations: readonly Migration[] = [m001, m002, m003, m004];

export const latestVersion: number = migrations.length;
