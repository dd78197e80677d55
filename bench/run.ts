import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `pnpm bench <name>`: runs bench/<name>.ts, writes bench/results/<name>.json and prints
 * one summary line last. A benchmark module's default export returns its result fields
 * plus `summary`, the one line a person reads.
 */
export interface BenchResult {
  summary: string;
  [field: string]: unknown;
}

/** The benchmarks in this folder (bench/README.md says what each compares). */
const BENCHMARKS = [
  "registry-sync",
  "digest-store",
  "deploy-fanout",
  "webhook-ingest",
  "notify",
  "dashboard",
  "verify",
  "swarm-deploy",
  "ha",
  "k8s-rollout",
] as const;

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error(`usage: pnpm bench <name>   (one of: ${BENCHMARKS.join(", ")})`);
  process.exit(2);
}
const mod = (await import(join(here, `${name}.ts`))) as { default: () => Promise<BenchResult> };
const started = Date.now();
const result = await mod.default();
const { summary, ...fields } = result;
const out = join(here, "results", `${name}.json`);
await mkdir(dirname(out), { recursive: true });
const record = {
  name,
  finishedAt: new Date().toISOString(),
  wallS: (Date.now() - started) / 1000,
  ...fields,
};
await writeFile(out, `${JSON.stringify(record, null, 2)}\n`);
console.log(`${name}: ${summary}`);
process.exit(0);
