import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { BridgeportDb } from "../database.js";
import type { Tx } from "../repositories/context.js";
import type { StoreTables } from "../schema/tables.js";
import { type PgStoreTables, pgStoreTables } from "../schema-pg/tables.js";

/** The PostgreSQL store's drizzle handle, in its own types. */
export type PgStoreDb = NodePgDatabase<PgStoreTables>;
/** A transaction on it, in its own types. */
export type PgTx = Parameters<Parameters<PgStoreDb["transaction"]>[0]>[0];

/*
 * The ONLY place where the PostgreSQL store is cast to the SQLite types the repositories are
 * written against. It holds at run time because drizzle's query builders take their SQL
 * dialect from the database (or transaction) object they start from, and their value mapping
 * (Date, boolean, JSON) from the column objects, which here are the pg ones; and at the type
 * level because every pg table has the same property names and the same $inferSelect and
 * $inferInsert as its SQLite twin (schema-pg.test.ts fails otherwise). What it does not cover:
 * SQLite-only builder methods (`.get()`, `.all()`, `.run()`, `tx.all`) do not exist on the pg
 * objects, so repositories never call them, and SQL text written by hand differs per engine
 * (dialect.ts).
 */

/** The pg drizzle handle as the repositories see it. */
export const asSharedDb = (db: PgStoreDb): BridgeportDb => db as unknown as BridgeportDb;
/** A pg transaction as the repositories see it. */
export const asSharedTx = (tx: PgTx): Tx => tx as unknown as Tx;
/** Back from the repositories' view, for a dialect method given a shared transaction. */
export const asPgTx = (tx: Tx): PgTx => tx as unknown as PgTx;
/** The pg tables under the SQLite tables' types. */
export const sharedTables: StoreTables = pgStoreTables as unknown as StoreTables;
