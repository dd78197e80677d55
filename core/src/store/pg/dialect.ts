import { sql } from "drizzle-orm";
import type pg from "pg";
import type { StoreDialect } from "../dialect.js";
import type { StoreSignals } from "../signals.js";
import { INSERT_DELIVERIES, INSERT_JOBS, SELECT_DELIVERY, SET_JOB_IDS } from "./delivery-ingest-sql.js";
import { INSERT_PLATFORMS, UPSERT_DIGESTS } from "./digest-upsert-sql.js";
import { freshReads } from "./fresh-reads.js";
import { claimJobs } from "./job-claim.js";
import { acquireLocks } from "./lock-acquire.js";
import { asPgTx, asSharedDb, asSharedTx, type PgStoreDb } from "./shared-types.js";
import { inTransaction, retryOnDeadlock } from "./transaction.js";

/**
 * The PostgreSQL side of the store (dialect.ts). No queue: calls run at once on the pool, each
 * write in its own READ COMMITTED transaction, and other processes write at the same time. A
 * transaction PostgreSQL aborted to break a deadlock is run again (its work was rolled back
 * whole). The hot paths are plain SQL as named prepared statements.
 */
export function createPostgresDialect(pool: pg.Pool, db: PgStoreDb, signals: StoreSignals): StoreDialect {
  const shared = asSharedDb(db);
  const imageNames = freshReads(async () => {
    const { rows } = await pool.query<{ id: string; imageName: string }>({
      name: "bridgeport_image_names",
      text: 'SELECT id, image_name AS "imageName" FROM container_images',
    });
    return rows;
  });

  return {
    engine: "postgres",
    signals,
    exclusive: (task) => task(),
    read: (task) => task(shared),
    write: (task) => retryOnDeadlock(() => db.transaction((tx) => task(asSharedTx(tx)))),
    lockForUpdate: async (tx, idColumn, id) => {
      await asPgTx(tx).execute(sql`SELECT 1 FROM ${idColumn.table} WHERE ${idColumn} = ${id} FOR UPDATE`);
    },
    claimJobs: (request, now) => retryOnDeadlock(() => claimJobs(db, request, now)),
    acquireLocks: (rows, now) => retryOnDeadlock(() => acquireLocks(db, rows, now)),

    ingestDeliveries: (deliveries, jobs, at) =>
      retryOnDeadlock(() =>
        inTransaction(pool, async (client) => {
          const inserted = await client.query<{ id: string }>({
            name: "bridgeport_insert_deliveries",
            text: INSERT_DELIVERIES,
            values: [at, JSON.stringify(deliveries)],
          });
          const created = new Set(inserted.rows.map((row) => row.id));
          const jobIds = new Map<string, string[]>();
          if (jobs.length === 0 || created.size === 0) return { created, jobIds };
          const jobsJson = JSON.stringify(jobs);
          await client.query({ name: "bridgeport_insert_jobs", text: INSERT_JOBS, values: [at, jobsJson] });
          const linked = await client.query<{ id: string; job_ids: string[] }>({
            name: "bridgeport_set_job_ids",
            text: SET_JOB_IDS,
            values: [JSON.stringify([...created]), jobsJson],
          });
          for (const row of linked.rows) jobIds.set(row.id, row.job_ids);
          return { created, jobIds };
        }),
      ),

    findDelivery: async (source, deliveryKey) => {
      const { rows } = await pool.query<{ id: string; job_ids: string[] }>({
        name: "bridgeport_select_delivery",
        text: SELECT_DELIVERY,
        values: [source, deliveryKey],
      });
      const [row] = rows;
      return row && { id: row.id, jobIds: row.job_ids };
    },

    upsertDigests: (containerImageId, digests, platforms, now) =>
      retryOnDeadlock(() =>
        inTransaction(pool, async (client) => {
          const upserted = await client.query({
            name: "bridgeport_upsert_digests",
            text: UPSERT_DIGESTS,
            values: [containerImageId, now, JSON.stringify(digests)],
          });
          let written = upserted.rowCount ?? 0;
          if (platforms.length > 0) {
            const inserted = await client.query({
              name: "bridgeport_insert_platforms",
              text: INSERT_PLATFORMS,
              values: [containerImageId, JSON.stringify(platforms)],
            });
            written += inserted.rowCount ?? 0;
          }
          return written;
        }),
      ),

    imageNames,
    greatest: (a, b) => sql`greatest(${a}, ${b})`,
    jsonText: (column, key) => sql`(${column} ->> ${key}::text)`,
    // starts_with rather than a range: a range's upper bound depends on the database's collation.
    startsWith: (column, prefix) => sql`starts_with(${column}, ${prefix}::text)`,
  };
}
