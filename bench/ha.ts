import { loadavg } from "node:os";
import { pushOciImage, retag, runnableImage, startRegistry, waitUntil } from "@bridgeport/test/harness";
import { deliveryLoad, type HaLab, type Replica, startHaLab, storedOfAcked } from "../test/ha/ha-lab.js";
import { startPostgresBot } from "./ha-ingest-side.js";
import type { BenchResult } from "./run.js";
import { distributionNotification, type PushedManifest } from "./webhook-ingest-payload.js";
import { newSecrets, startBotProcess } from "./webhook-ingest-servers.js";
import { measureSides } from "./webhook-ingest-side.js";

const REPLICAS = 3;
const SCHEDULER_INTERVAL_S = 10;
const TARGETS = { failoverS: SCHEDULER_INTERVAL_S + 5, pgP99Ms: 20, ratio: 0.5 };

/**
 * Several replicas on one PostgreSQL (bench/README.md): three bot processes under a load of
 * webhook deliveries and deploys, one SIGKILLed mid-plan and the scheduler's holder SIGKILLed;
 * then one replica's webhook-ingest on PostgreSQL beside the same on libsql (webhook-ingest's
 * open loop and saturation rounds).
 */
export default async function ha(): Promise<BenchResult> {
  const loadAtStart = loadavg()[0] ?? 0;
  process.stderr.write(`starting ${REPLICAS} replicas, a registry and two servers...\n`);
  const lab = await startHaLab({ replicas: REPLICAS });
  let replicasPart: Awaited<ReturnType<typeof killUnderLoad>>;
  try {
    replicasPart = await killUnderLoad(lab);
  } finally {
    await lab.stop();
  }
  process.stderr.write("webhook ingest: one replica on PostgreSQL beside one on libsql...\n");
  const ingest = await ingestComparison();
  const met =
    replicasPart.jobs_lost === 0 &&
    replicasPart.jobs_run_twice === 0 &&
    replicasPart.duplicate_deploys === 0 &&
    replicasPart.deliveries_stored === replicasPart.deliveries_acked &&
    replicasPart.failover_s <= TARGETS.failoverS &&
    ingest.pg_ingest_p99_ms < TARGETS.pgP99Ms &&
    ingest.ratio_pg_vs_libsql >= TARGETS.ratio;
  return {
    replicas: REPLICAS,
    ...replicasPart,
    ...ingest,
    scheduler_interval_s: SCHEDULER_INTERVAL_S,
    targets: TARGETS,
    met,
    load_average: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    summary: `${replicasPart.deliveries_stored}/${replicasPart.deliveries_acked} acked deliveries stored, ${replicasPart.jobs_lost} jobs lost, ${replicasPart.jobs_run_twice} run twice, ${replicasPart.duplicate_deploys} duplicate deploys, failover ${replicasPart.failover_s} s, pg ingest p99 ${ingest.pg_ingest_p99_ms} ms, pg/libsql ${ingest.ratio_pg_vs_libsql}: ${met ? "targets met" : "TARGETS MISSED"}`,
  };
}

async function killUnderLoad(lab: HaLab) {
  const { store, proxy, registry, deploy } = lab;
  const repo = deploy.image.imageName.slice(proxy.host.length + 1);
  const live = () => lab.replicas.filter((r) => r.child.exitStatus() === null);
  const api = (replica: Replica, path: string, body: unknown) =>
    fetch(`${replica.url}${path}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${lab.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  await api(lab.replicas[0] as Replica, `/api/container-images/${deploy.image.id}`, {
    tagFilter: "v2.*.*",
    autoUpdate: true,
  });
  const target = { url: proxy.url, username: registry.username, password: registry.password };
  const first = await runnableImage(target, repo, "v2.1.0", { version: "v2.1", healthcheck: "passing" });
  const second = await runnableImage(target, repo, "staged", { version: "v2.2", healthcheck: "passing" });
  const load = deliveryLoad(lab, () => ({ repository: repo, tag: "v2.1.0", digest: first.digest }), 20);

  // Kill the replica running the first version's plan (its servers' pulls made slow).
  proxy.inject({
    match: { method: "GET", pathIncludes: `/manifests/${first.digest}` },
    times: Number.POSITIVE_INFINITY,
    fault: { kind: "delay", ms: 4_000 },
  });
  const plan = await waitUntil(
    async () =>
      (await store.plans.list({ containerImageId: deploy.image.id })).find(
        (p) => p.targetDigest === first.digest && p.status === "running" && p.leaseOwner !== null,
      ),
    { what: "the first plan to run", timeoutMs: 60_000 },
  );
  const interrupted = new Set<string>();
  const killMarking = async (replica: Replica) => {
    const running = await store.jobs.list({ status: "running", limit: 10_000 });
    for (const job of running) if (lab.ownerOf(job.lockedBy) === replica) interrupted.add(job.id);
    await lab.kill(replica);
  };
  await killMarking(lab.ownerOf(plan.leaseOwner) as Replica);
  proxy.clear();
  await retag(registry, repo, "v2.2.0", second.digest);
  await lab.notify(live()[0] as Replica, {
    id: `second-${Date.now()}`,
    repository: repo,
    tag: "v2.2.0",
    digest: second.digest,
  });

  // Kill the scheduler's holder; time the next pass on another replica.
  const holder = await waitUntil(
    async () => {
      for (const r of live()) if ((await lab.metric(r, "bridgeport_scheduler_lock_held")) === 1) return r;
      return undefined;
    },
    { what: "a scheduler holder", timeoutMs: 30_000, intervalMs: 200 },
  );
  const killedAt = Date.now() / 1000;
  await killMarking(holder);
  const next = await waitUntil(
    async () => {
      for (const r of live()) {
        const last = await lab.metric(r, "bridgeport_scheduler_last_pass_timestamp_seconds");
        if (last !== undefined && last > killedAt) return last;
      }
      return undefined;
    },
    { what: "the next scheduler pass", timeoutMs: 60_000, intervalMs: 100 },
  );
  const answers = await load.stop();
  await waitUntil(
    async () =>
      ((await store.jobs.list({ status: "queued" })).length === 0 &&
        (await store.jobs.list({ status: "running" })).length === 0 &&
        (await store.plans.listUnfinished()).length === 0) ||
      undefined,
    { what: "every job and plan to finish", timeoutMs: 180_000, intervalMs: 500 },
  ).catch(() => undefined);
  const { acked, storedOnce } = await storedOfAcked(store, answers);
  const jobs = await store.jobs.list({ limit: 1_000_000 });
  const plans = (await store.plans.list({ containerImageId: deploy.image.id })).filter(
    (p) => p.status !== "cancelled",
  );
  const perDigest = new Map<string, number>();
  for (const p of plans) perDigest.set(p.targetDigest, (perDigest.get(p.targetDigest) ?? 0) + 1);
  return {
    deliveries_sent: answers.length,
    deliveries_acked: acked,
    deliveries_stored: storedOnce,
    deliveries_refused: answers.filter((a) => a.status !== 202).length,
    jobs: jobs.length,
    jobs_lost: jobs.filter((j) => j.status !== "done").length,
    // A job runs again only when a kill cut off its run; any other second attempt is a double run.
    jobs_run_twice: jobs.filter((j) => j.attempts > 1 && !interrupted.has(j.id)).length,
    jobs_taken_over: jobs.filter((j) => interrupted.has(j.id)).length,
    duplicate_deploys: [...perDigest.values()].filter((n) => n > 1).length,
    killed_plan: (await store.plans.get(plan.id))?.status ?? "missing",
    failover_s: Number((next - killedAt).toFixed(2)),
  };
}

async function ingestComparison() {
  const registry = await startRegistry({ auth: "none" });
  const postgresLab = await import("@bridgeport/test/harness").then((h) => h.startPostgres());
  try {
    const pushed = await pushOciImage(registry, "bench/ha-ingest", "latest", { seed: "ha-ingest" });
    const push: PushedManifest = {
      registryHost: registry.host,
      repository: "bench/ha-ingest",
      tag: "latest",
      digest: pushed.digest,
      mediaType: pushed.mediaType,
      size: pushed.manifestLength,
    };
    const secrets = newSecrets();
    const seed = async (store: Parameters<Parameters<typeof startBotProcess>[1]>[0]) => {
      const environment = await store.environments.create({ name: "bench" });
      const connection = await store.registries.create({
        environmentId: environment.id,
        name: "bench",
        type: "generic",
        registryUrl: registry.url,
        secrets: {},
      });
      await store.images.create({
        environmentId: environment.id,
        name: "ingest",
        imageName: `${registry.host}/bench/ha-ingest`,
        registryConnectionId: connection.id,
      });
    };
    const [libsql, pg] = await measureSides(
      [
        { name: "bot on libsql", start: () => startBotProcess(secrets, seed) },
        { name: "bot on PostgreSQL", start: () => startPostgresBot(postgresLab, secrets, seed) },
      ],
      secrets,
      () => distributionNotification(push),
    );
    if (!libsql || !pg) throw new Error("a side is missing");
    return {
      pg_ingest_p99_ms: pg.open_loop.latency.p99_ms,
      libsql_ingest_p99_ms: libsql.open_loop.latency.p99_ms,
      pg_saturation_rps: pg.saturation.rps,
      libsql_saturation_rps: libsql.saturation.rps,
      ratio_pg_vs_libsql: Number((pg.saturation.rps / libsql.saturation.rps).toFixed(2)),
      pg_open_loop_errors: pg.open_loop.errors,
      pg_stored: pg.stored,
    };
  } finally {
    await postgresLab.stop();
    await registry.stop();
  }
}
