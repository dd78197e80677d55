import type { SQL, SQLWrapper } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { BridgeportDb } from "./database.js";
import type { Tx } from "./repositories/context.js";
import type { ClaimRequest, Job } from "./repositories/jobs.js";
import type { DeploymentLock, LockResult } from "./repositories/locks.js";
import type { StoreSignals } from "./signals.js";

/** The database engines the store runs on: the embedded libsql file (default) or PostgreSQL. */
export const ENGINES = ["libsql", "postgres"] as const;
export type Engine = (typeof ENGINES)[number];

/** One delivery in a group commit: [id, source, delivery key, outcome, pushes (JSON text), detail]. */
export type DeliveryTuple = [string, string, string, string, string, string | null];

/**
 * One job in a group commit: [id, kind, payload (JSON text), dedupe key, max attempts, run at
 * ms, coalesce key, coalesce delay after a running one (ms), the delivery's new id].
 */
export type JobTuple = [string, string, string, string | null, number, number, string | null, number, string];

/** One digest row of an upsert: [id, manifestDigest, mediaType, configDigest, tags (JSON text), size, pushedAt ms, pushedAtSource]. */
export type DigestTuple = [string, string, string, string | null, string, number | null, number, string];

/** One platform row of an upsert: [parent manifestDigest, os, architecture, variant, digest, size]. */
export type PlatformTuple = [string, string, string, string | null, string, number | null];

/** What a delivery group's transaction wrote: the deliveries inserted, and the jobs each now points at. */
export interface DeliveryGroupWritten {
  created: Set<string>;
  jobIds: Map<string, string[]>;
}

/**
 * What differs between the engines, and only that. Every repository is written once, against
 * the SQLite table types (`ctx.tables`, `ctx.db`); on PostgreSQL those are the pg tables and a
 * node-postgres drizzle instance (see pg/shared-types.ts). What cannot be shared lives here:
 * how calls are serialised and transactions run, the row lock a read-then-write takes against
 * other processes, the queue's claim, the lock acquire, the two bulk hot paths (webhook group
 * commit, digest upsert) written as engine-specific SQL, the image-name cache, and a few
 * scalar functions spelled differently.
 *
 * libsql (sqlite/dialect.ts): one connection, one process (the database lock file), every call
 * queued behind the others, so a read-then-write is never interleaved. PostgreSQL
 * (pg/dialect.ts): a pool, any number of processes; each write is a READ COMMITTED
 * transaction, and each read-then-write that another process could interleave relies on a row
 * lock (`lockForUpdate`), a conditional write or a unique constraint (each repository says which).
 */
export interface StoreDialect {
  readonly engine: Engine;
  /**
   * Runs `task` once every store call made before it has finished (libsql's one connection),
   * or at once (PostgreSQL). The webhook group commit takes its group when its turn comes, so
   * on libsql everything that arrived while other work held the connection shares one commit.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Runs a read (no transaction). */
  read<T>(task: (db: BridgeportDb) => Promise<T>): Promise<T>;
  /** Runs `task` in one write transaction. */
  write<T>(task: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Locks the row whose `idColumn` is `id` until `tx` ends (`SELECT ... FOR UPDATE`), so what
   * the transaction reads next about it stays true until it commits. Nothing on libsql, whose
   * one writer already excludes everyone else.
   */
  lockForUpdate(tx: Tx, idColumn: SQLiteColumn, id: string): Promise<void>;
  /** jobs.claim: see JobRepository.claim. On PostgreSQL, `FOR UPDATE SKIP LOCKED`. */
  claimJobs(request: ClaimRequest, now: Date): Promise<Job[]>;
  /**
   * locks.acquire for these rows (sorted by scope, one holder and plan), all or none: an
   * expired lock, or one held by the same holder and plan, is taken (over); any other live one
   * refuses the whole request, naming it.
   */
  acquireLocks(rows: DeploymentLock[], now: Date): Promise<LockResult>;
  /**
   * The webhook group commit's three statements in one transaction: insert the deliveries
   * (a (source, key) already stored is skipped: the dedupe), the new ones' jobs (a job whose
   * coalesce key is queued is joined, not inserted), and each new delivery's job ids. Called
   * inside `exclusive`, as is `findDelivery`.
   */
  ingestDeliveries(deliveries: DeliveryTuple[], jobs: JobTuple[], at: Date): Promise<DeliveryGroupWritten>;
  /** The stored delivery with this key, with its job ids. */
  findDelivery(source: string, deliveryKey: string): Promise<{ id: string; jobIds: string[] } | undefined>;
  /** digests.upsertMany's statements in one transaction; returns the rows inserted or changed. */
  upsertDigests(
    containerImageId: string,
    digests: DigestTuple[],
    platforms: PlatformTuple[],
    now: Date,
  ): Promise<number>;
  /**
   * Every image's id and name, as of a read begun after the call (what a webhook delivery
   * matches against): libsql keeps them until a write may have changed them; PostgreSQL,
   * where another process may write at any time, reads them again.
   */
  imageNames(): Promise<{ id: string; imageName: string }[]>;
  /** What the store tells the processes sharing the database as it commits (signals.ts). */
  readonly signals: StoreSignals;
  /** greatest(a, b) (SQLite's two-argument max). */
  greatest(a: SQLWrapper, b: SQLWrapper | number): SQL;
  /** The text of the top-level `key` of a JSON column. */
  jsonText(column: SQLWrapper, key: string): SQL;
  /** `column` starts with `prefix` (a range on SQLite's index; PostgreSQL compares in its collation). */
  startsWith(column: SQLWrapper, prefix: string): SQL;
}
