import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  createCipher,
  createStore,
  type DigestUpsert,
  type LibsqlDatabase,
  newId,
  openLibsqlDatabase,
  type Store,
} from "@bridgeport/core";
import type { BenchResult } from "./run.js";

/**
 * The digest hot path: 10,000 digest upserts (one in ten a multi-platform index with two
 * children) in one transaction, through the store and through raw @libsql/client prepared
 * statements (one single-row upsert per digest and per platform, the same ON CONFLICT
 * rules), each on a fresh file database in a temp dir. One warm-up round, then the median
 * of REPETITIONS rounds, store and raw alternating. Then the same 10,000 again through the
 * store: an unchanged re-sync must write nothing. The machine is shared, so wall time moves
 * with its load; the store's CPU time is reported beside it.
 */
const DIGESTS = 10_000;
const REPETITIONS = 7;
const TARGETS = { storeMs: 150, ratio: 1.5 };

const RAW_DIGEST_UPSERT = `INSERT INTO image_digests
  (id, container_image_id, manifest_digest, media_type, config_digest, tags, size, pushed_at,
   pushed_at_source, discovered_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (container_image_id, manifest_digest) DO UPDATE SET
  media_type = excluded.media_type, tags = excluded.tags,
  config_digest = COALESCE(excluded.config_digest, image_digests.config_digest),
  size = COALESCE(excluded.size, image_digests.size),
  pushed_at = excluded.pushed_at, pushed_at_source = excluded.pushed_at_source,
  updated_at = excluded.updated_at
WHERE image_digests.media_type IS NOT excluded.media_type OR image_digests.tags IS NOT excluded.tags
  OR image_digests.size IS NOT excluded.size OR image_digests.pushed_at IS NOT excluded.pushed_at`;

const RAW_PLATFORM_INSERT = `INSERT INTO image_digest_platforms
  (image_digest_id, os, architecture, variant, digest, size)
SELECT id, ?, ?, ?, ?, ? FROM image_digests WHERE container_image_id = ? AND manifest_digest = ?
ON CONFLICT (image_digest_id, digest) DO NOTHING`;

/** A real-looking digest: registries hand them out in no particular order. */
function sha256(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

function digests(): DigestUpsert[] {
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: DIGESTS }, (_, i) => ({
    manifestDigest: sha256(`manifest ${i}`),
    mediaType:
      i % 10 === 0 ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json",
    configDigest: i % 10 === 0 ? null : sha256(`config ${i}`),
    tags: [`v1.${Math.floor(i / 100)}.${i % 100}`, ...(i === DIGESTS - 1 ? ["latest"] : [])],
    size: 30_000_000 + i,
    pushedAt: new Date(base + i * 60_000),
    pushedAtSource: "registry" as const,
    platforms:
      i % 10 === 0
        ? [
            {
              os: "linux",
              architecture: "amd64",
              variant: null,
              digest: sha256(`amd64 ${i}`),
              size: 15_000_000,
            },
            {
              os: "linux",
              architecture: "arm64",
              variant: "v8",
              digest: sha256(`arm64 ${i}`),
              size: 14_000_000,
            },
          ]
        : [],
  }));
}

interface Fixture {
  dir: string;
  database: LibsqlDatabase;
  store: Store;
  imageId: string;
}

async function fixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "bp-bench-"));
  const database = await openLibsqlDatabase({ url: `file:${join(dir, "bench.db")}` });
  const store = createStore(database, { cipher: createCipher(randomBytes(32)) });
  const environment = await store.environments.create({ name: "bench" });
  const image = await store.images.create({
    environmentId: environment.id,
    name: "bench",
    imageName: "127.0.0.1:5000/bench/app",
  });
  return { dir, database, store, imageId: image.id };
}

async function dispose(f: Fixture): Promise<void> {
  f.database.close();
  await rm(f.dir, { recursive: true, force: true });
}

interface StoreRun {
  ms: number;
  cpuMs: number;
  noopWritten: number;
  noopMs: number;
}

async function timeStore(rows: DigestUpsert[]): Promise<StoreRun> {
  const f = await fixture();
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { rowsWritten } = await f.store.digests.upsertMany(f.imageId, rows);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (rowsWritten !== DIGESTS + (DIGESTS / 10) * 2) throw new Error(`store wrote ${rowsWritten} rows`);
    const again = performance.now();
    const noop = await f.store.digests.upsertMany(f.imageId, rows);
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      noopWritten: noop.rowsWritten,
      noopMs: performance.now() - again,
    };
  } finally {
    await dispose(f);
  }
}

async function timeRaw(rows: DigestUpsert[]): Promise<number> {
  const f = await fixture();
  try {
    const started = performance.now();
    const now = Date.now();
    const statements = rows.flatMap((row) => [
      {
        sql: RAW_DIGEST_UPSERT,
        args: [
          newId(now),
          f.imageId,
          row.manifestDigest,
          row.mediaType,
          row.configDigest ?? null,
          JSON.stringify([...row.tags].sort()),
          row.size ?? null,
          row.pushedAt.getTime(),
          row.pushedAtSource,
          now,
          now,
        ],
      },
      ...(row.platforms ?? []).map((p) => ({
        sql: RAW_PLATFORM_INSERT,
        args: [p.os, p.architecture, p.variant, p.digest, p.size, f.imageId, row.manifestDigest],
      })),
    ]);
    const results = await f.database.client.batch(statements, "write");
    const ms = performance.now() - started;
    const written = results.reduce((sum, r) => sum + r.rowsAffected, 0);
    if (written !== DIGESTS + (DIGESTS / 10) * 2) throw new Error(`raw wrote ${written} rows`);
    return ms;
  } finally {
    await dispose(f);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export default async function digestStore(): Promise<BenchResult> {
  const rows = digests();
  await timeStore(rows);
  await timeRaw(rows);
  const store: number[] = [];
  const storeCpu: number[] = [];
  const raw: number[] = [];
  const noopMs: number[] = [];
  let noopWritten = 0;
  for (let i = 0; i < REPETITIONS; i++) {
    const s = await timeStore(rows);
    store.push(s.ms);
    storeCpu.push(s.cpuMs);
    noopMs.push(s.noopMs);
    noopWritten = Math.max(noopWritten, s.noopWritten);
    raw.push(await timeRaw(rows));
  }
  const storeMs = round(median(store));
  const rawMs = round(median(raw));
  const ratio = Math.round((storeMs / rawMs) * 100) / 100;
  const met = storeMs <= TARGETS.storeMs && ratio <= TARGETS.ratio && noopWritten === 0;
  return {
    store_ms: storeMs,
    raw_ms: rawMs,
    ratio,
    rows_written_on_noop_resync: noopWritten,
    store_cpu_ms: round(median(storeCpu)),
    noop_resync_ms: round(median(noopMs)),
    digests: DIGESTS,
    platform_rows: (DIGESTS / 10) * 2,
    repetitions: REPETITIONS,
    store_runs_ms: store.map(round),
    raw_runs_ms: raw.map(round),
    targets: { store_ms: TARGETS.storeMs, ratio: TARGETS.ratio, rows_written_on_noop_resync: 0 },
    summary:
      `${DIGESTS} digest upserts in one transaction: store ${storeMs} ms (CPU ${round(median(storeCpu))} ms), ` +
      `raw prepared statements ${rawMs} ms ` +
      `(ratio ${ratio}), unchanged re-sync wrote ${noopWritten} rows in ${round(median(noopMs))} ms; ` +
      `targets ${met ? "met" : "NOT met"} (store <= ${TARGETS.storeMs} ms, ratio <= ${TARGETS.ratio}, 0 rows)`,
  };
}
