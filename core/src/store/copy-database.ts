import { count, eq, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./database.js";
import type { Tx } from "./repositories/context.js";
import type { StoreTables } from "./schema/tables.js";

/** One table's rows as copied, and as counted in the target before the copy commits. */
export interface CopiedTable {
  table: string;
  copied: number;
  counted: number;
}

/** Rows per INSERT: far below PostgreSQL's 65,535 parameters for the widest table (21 columns). */
const BATCH = 500;

/**
 * The first table of `database` that holds a row, or undefined when every store table is
 * empty (what a copy's target must be).
 *
 * @example
 * await firstNonEmptyTable(target); // "environments"
 */
export async function firstNonEmptyTable(database: Database): Promise<string | undefined> {
  for (const table of Object.values(database.tables) as SQLiteTable[]) {
    const [row] = await database.dialect.read((db) => db.select({ n: count() }).from(table));
    if ((row?.n ?? 0) > 0) return getTableName(table);
  }
  return undefined;
}

/**
 * Copies every row of every store table from `source` into `target` (an empty store, on
 * either engine), in foreign-key order, in ONE transaction on the target: either all of it
 * lands or none. Values go as the store reads them (dates, booleans, JSON), so each engine
 * writes its own types; encrypted values are copied as they are, so the same master key reads
 * them. Before committing, each table is counted in the target and must hold exactly what
 * was copied. `onTable` hears of each table once it is copied.
 *
 * @example
 * const tables = await copyDatabase(libsql, postgres, ({ table, copied }) => console.log(table, copied));
 */
export async function copyDatabase(
  source: Database,
  target: Database,
  onTable: (table: CopiedTable) => void = () => undefined,
): Promise<CopiedTable[]> {
  const keys = Object.keys(source.tables) as (keyof StoreTables)[];
  return target.dialect.write(async (tx) => {
    const done: CopiedTable[] = [];
    const images: { id: string; deployedDigestId: string | null; latestDigestId: string | null }[] = [];
    for (const key of keys) {
      let rows = await source.dialect.read((db) => db.select().from(source.tables[key] as SQLiteTable));
      if (key === "containerImages") {
        // The one cycle: an image points at two of its own digests, which are copied after it.
        images.push(...(rows as typeof images));
        rows = rows.map((row) => ({ ...row, deployedDigestId: null, latestDigestId: null }));
      }
      const table = target.tables[key] as SQLiteTable;
      for (let at = 0; at < rows.length; at += BATCH) await insertRows(tx, table, rows.slice(at, at + BATCH));
      if (key === "imageDigests") await pointImagesAtDigests(tx, target.tables, images);
      const [counted] = await tx.select({ n: count() }).from(table);
      const copied: CopiedTable = {
        table: getTableName(table),
        copied: rows.length,
        counted: counted?.n ?? 0,
      };
      if (copied.counted !== copied.copied) {
        throw new Error(
          `${copied.table}: copied ${copied.copied} row(s) but the target holds ${copied.counted}`,
        );
      }
      done.push(copied);
      onTable(copied);
    }
    return done;
  });
}

// Rows and table of one key, whichever it is: TypeScript cannot pair the two across the union.
function insertRows(tx: Tx, table: SQLiteTable, rows: Record<string, unknown>[]): Promise<unknown> {
  if (rows.length === 0) return Promise.resolve();
  return tx.insert(table).values(rows as never);
}

async function pointImagesAtDigests(
  tx: Tx,
  tables: StoreTables,
  images: { id: string; deployedDigestId: string | null; latestDigestId: string | null }[],
): Promise<void> {
  for (const { id, deployedDigestId, latestDigestId } of images) {
    if (deployedDigestId === null && latestDigestId === null) continue;
    await tx
      .update(tables.containerImages)
      .set({ deployedDigestId, latestDigestId })
      .where(eq(tables.containerImages.id, id));
  }
}
