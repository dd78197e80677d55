import { sql } from "drizzle-orm";
import type { Cipher } from "../../crypto/cipher.js";
import type { BridgeportDb } from "../database.js";
import type { StoreDialect } from "../dialect.js";
import { ConflictError, NotFoundError, uniqueViolation } from "../errors.js";
import type { StoreTables } from "../schema/tables.js";

/** A drizzle transaction on the store's database. */
export type Tx = Parameters<Parameters<BridgeportDb["transaction"]>[0]>[0];

/**
 * What every repository is built from; createStore makes one and shares it. `db` and `tables`
 * are typed as the SQLite ones whatever the engine (see dialect.ts): repositories take their
 * tables from here, never by importing a schema, so the same code runs on PostgreSQL's.
 */
export interface RepositoryContext {
  readonly db: BridgeportDb;
  readonly tables: StoreTables;
  readonly dialect: StoreDialect;
  readonly cipher: Cipher;
  readonly now: () => Date;
}

/**
 * The id parameter of a read compiled once at start (`.prepare()`): the hot lookups by id
 * skip drizzle's query building, which cost more than SQLite's own work (measured: 270 µs per
 * `images.get` built each time, 149 µs prepared).
 */
export const ID = sql.placeholder("id");

/** Runs a read (no transaction): on libsql queued behind every other store call. */
export function read<T>(ctx: RepositoryContext, task: (db: BridgeportDb) => Promise<T>): Promise<T> {
  return ctx.dialect.read(task);
}

/** Runs `task` in one write transaction (on libsql queued behind every other store call). */
export function write<T>(ctx: RepositoryContext, task: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.dialect.write(task);
}

/** Copies only the listed keys that are present: patches from callers never set other columns. */
export function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

/** The row, or NotFoundError naming the entity and id. */
export function found<T>(row: T | undefined, entity: string, id: string): T {
  if (row === undefined) throw new NotFoundError(entity, id);
  return row;
}

/** A `.catch` handler turning a UNIQUE violation into a ConflictError with `message`. */
export function onDuplicate(message: string): (error: unknown) => never {
  return (error) => {
    const violation = uniqueViolation(error);
    if (violation) throw new ConflictError(message, { cause: violation });
    throw error;
  };
}
