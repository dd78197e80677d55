import type { Client, InStatement } from "@libsql/client";
import { sql } from "drizzle-orm";
import type { BridgeportDb } from "../database.js";
import type { StoreDialect } from "../dialect.js";
import type { Tx } from "../repositories/context.js";
import { localSignals } from "../signals.js";
import { INSERT_DELIVERIES, INSERT_JOBS, SELECT_DELIVERY, SET_JOB_IDS } from "./delivery-ingest-sql.js";
import { INSERT_PLATFORMS, UPSERT_DIGESTS } from "./digest-upsert-sql.js";
import { createExclusive } from "./exclusive.js";
import { claimJobs } from "./job-claim.js";
import { acquireLocks } from "./lock-acquire.js";

/** A transaction on the libsql database: the repositories' own type (no cast on this engine). */
export type SqliteTx = Tx;

/**
 * The libsql side of the store (dialect.ts). One connection in one process: every call waits
 * for the one before (`exclusive`), so a read-then-write is never interleaved and needs no
 * row lock. The bulk hot paths run as plain statements on the raw client, batched into one
 * transaction each.
 */
export function createSqliteDialect(client: Client, db: BridgeportDb): StoreDialect {
  const exclusive = createExclusive();
  // Write transactions begun through this store, for the image-name cache.
  let writes = 0;
  const write = <T>(task: (tx: Tx) => Promise<T>): Promise<T> =>
    exclusive(() => {
      writes++;
      return db.transaction(task);
    });
  let names: { writes: number; dataVersion: unknown; rows: { id: string; imageName: string }[] } | undefined;

  return {
    engine: "libsql",
    signals: localSignals(),
    exclusive,
    read: (task) => exclusive(() => task(db)),
    write,
    lockForUpdate: async () => undefined,
    claimJobs: (request, now) => write((tx) => claimJobs(tx, request, now)),
    acquireLocks: (rows, now) => write((tx) => acquireLocks(tx, rows, now)),

    // Inside `exclusive` (the group commit's turn): plain statements on the connection.
    ingestDeliveries: async (deliveries, jobs, at) => {
      const ms = at.getTime();
      const statements: InStatement[] = [{ sql: INSERT_DELIVERIES, args: [ms, JSON.stringify(deliveries)] }];
      if (jobs.length > 0) {
        const jobsJson = JSON.stringify(jobs);
        const newIds = JSON.stringify([...new Set(jobs.map((job) => job[8]))]);
        statements.push(
          { sql: INSERT_JOBS, args: [ms, jobsJson] },
          { sql: SET_JOB_IDS, args: [newIds, jobsJson] },
        );
      }
      const [inserted, , linked] = await client.batch(statements, "write");
      return {
        created: new Set(inserted?.rows.map((row) => String(row.id))),
        jobIds: new Map(
          linked?.rows.map((row) => [String(row.id), JSON.parse(String(row.job_ids)) as string[]]),
        ),
      };
    },

    findDelivery: async (source, deliveryKey) => {
      const [row] = (await client.execute({ sql: SELECT_DELIVERY, args: [source, deliveryKey] })).rows;
      return row && { id: String(row.id), jobIds: JSON.parse(String(row.job_ids)) as string[] };
    },

    upsertDigests: (containerImageId, digests, platforms, now) =>
      exclusive(async () => {
        const statements: InStatement[] = [
          { sql: UPSERT_DIGESTS, args: [containerImageId, now.getTime(), JSON.stringify(digests)] },
        ];
        if (platforms.length > 0) {
          statements.push({ sql: INSERT_PLATFORMS, args: [containerImageId, JSON.stringify(platforms)] });
        }
        // One batch is one transaction on the connection, run without yielding in between.
        const results = await client.batch(statements, "write");
        return results.reduce((sum, result) => sum + result.rowsAffected, 0);
      }),

    // Every webhook delivery asks. The rows are kept until a write through this store or a
    // commit by another connection (SQLite's data_version moves) may have changed them:
    // reading them per delivery was a large share of the bot's CPU under a burst.
    imageNames: () =>
      exclusive(async () => {
        const dataVersion = (await client.execute("PRAGMA data_version")).rows[0]?.[0];
        if (names?.writes !== writes || names.dataVersion !== dataVersion) {
          const rows = (await client.execute("SELECT id, image_name FROM container_images")).rows;
          names = {
            writes,
            dataVersion,
            rows: rows.map((row) => ({ id: String(row.id), imageName: String(row.image_name) })),
          };
        }
        return [...names.rows];
      }),

    greatest: (a, b) => sql`max(${a}, ${b})`,
    jsonText: (column, key) => sql`json_extract(${column}, ${`$.${key}`})`,
    // A range on the column's index rather than LIKE, which would scan the table.
    startsWith: (column, prefix) => sql`(${column} >= ${prefix} AND ${column} < ${`${prefix}\uffff`})`,
  };
}
