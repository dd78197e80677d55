import { join } from "node:path";
import {
  createRegistryDeps,
  type DockerHost,
  healthCheckSchema,
  pullImage,
  type Store,
  socketDockerHost,
  syncImage,
} from "@bridgeport/core";
import {
  type FaultProxy,
  freePort,
  makeTempDir,
  type RunningRegistry,
  removeTempDir,
  runCommand,
  runnableImage,
  seedRegistryImage,
  startFaultProxy,
  startRegistry,
  waitUntil,
} from "@bridgeport/test/harness";
import { type Dockerd, startDockerd } from "../test/harness/dockerd.js";
import { startDockerSocketProxy } from "./webhook-ingest-docker-proxy.js";
import { DISTRIBUTION_CONTENT_TYPE, distributionNotification } from "./webhook-ingest-payload.js";
import { newSecrets, startBotProcess } from "./webhook-ingest-servers.js";

const REPO = "bench/deploy-app";
const CONTAINER = "web";
const FIRST_COMMAND_TIMEOUT_MS = 10_000;
const DEPLOY_TIMEOUT_MS = 60_000;
// A 250 ms HEALTHCHECK so each deploy ends quickly; the timed part ends before the health wait.
const HEALTH = { intervalMs: 250 };
const SERVICE_HEALTH = healthCheckSchema.parse({ kind: "docker", intervalMs: 250, retries: 40 });

export interface PushToDeployResult {
  iterations: number;
  p50_ms: number;
  p90_ms: number;
  min_ms: number;
  max_ms: number;
  samples_ms: number[];
  /** Each whole deploy, notification to the history entry (pull, swap, health), for scale. */
  deploy_p50_s: number;
  measured_from: string;
  measured_to: string;
  /** WEBHOOK_INGEST_TRACE=1 only: per iteration, when each stage was seen (ms after the notification). */
  trace?: IterationTrace[];
}

/** Milliseconds after the notification was sent; stored timestamps have 1 ms resolution. */
export interface IterationTrace {
  job_created: number | null;
  registry_requests: { at: number; method: string; path: string }[];
  plan_created: number | null;
  plan_started: number | null;
  first_docker_request: number;
}

interface Seeded {
  imageId: string;
}

/**
 * A real registry (htpasswd), a real dockerd running the service's container, and the bot's
 * real entry in its own process with a socket-mode server whose socket is a timing proxy in
 * front of that dockerd. Each iteration pushes a new `latest` (untimed), then posts the
 * registry's notification for it and waits for the first request on the docker socket. The
 * image has autoUpdate, so the bot syncs, confirms the digest, plans and deploys; the bench
 * waits for that deploy to finish before the next push.
 */
export async function measurePushToDeploy(iterations: number): Promise<PushToDeployResult> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const registry = await startRegistry({ auth: "htpasswd" });
    cleanups.push(() => registry.stop());
    // Tracing puts a timing proxy between the bot and the registry (one more hop per request).
    let traced: FaultProxy | null = null;
    if (process.env.WEBHOOK_INGEST_TRACE) {
      traced = await startFaultProxy(registry.url);
      const proxy = traced;
      cleanups.push(() => proxy.stop());
    }
    const dockerd = await startDockerd({ insecureRegistries: [registry.host] });
    cleanups.push(() => dockerd.stop());
    const dir = await makeTempDir("bench-p2d");
    cleanups.push(() => removeTempDir(dir));
    const proxy = await startDockerSocketProxy(join(dir, "docker.sock"), dockerd.socketPath);
    cleanups.push(() => proxy.stop());

    const v0 = await runnableImage(registry, REPO, "latest", { version: "v0", healthcheck: HEALTH });
    const port = await freePort();
    await startService(registry, dockerd, `${registry.host}/${REPO}@${v0.digest}`, port);

    const secrets = newSecrets();
    const registryUrl = traced?.url ?? registry.url;
    const bot = await startBotProcess(secrets, (store) =>
      seed(store, { ...registry, url: registryUrl }, proxy.path, v0.digest),
    );
    let botStopped = false;
    cleanups.push(() => (botStopped ? Promise.resolve() : bot.stop()));
    const history = async () => {
      const res = await fetch(`${bot.origin}/api/container-images/${bot.seeded.imageId}/history?limit=5`, {
        headers: { authorization: `Bearer ${secrets.adminToken}` },
      });
      if (!res.ok) throw new Error(`history: HTTP ${res.status}`);
      return ((await res.json()) as { history: { digest: string; status: string }[] }).history;
    };

    const samples: number[] = [];
    const deploys: number[] = [];
    const sends: { epoch: number; digest: string; firstDocker: number; registry: FaultProxy["requests"] }[] =
      [];
    for (let i = 1; i <= iterations; i++) {
      const pushed = await runnableImage(registry, REPO, "latest", { version: `v${i}`, healthcheck: HEALTH });
      const body = distributionNotification({
        registryHost: registry.host,
        repository: REPO,
        tag: "latest",
        digest: pushed.digest,
        mediaType: pushed.mediaType,
        size: pushed.manifestLength,
      });
      const sent = performance.now();
      const first = proxy.firstRequestAfter(sent, FIRST_COMMAND_TIMEOUT_MS);
      const res = await fetch(`${bot.origin}/webhooks/distribution`, {
        method: "POST",
        headers: { "content-type": DISTRIBUTION_CONTENT_TYPE, authorization: secrets.webhookSecret },
        body,
      });
      if (res.status !== 202) throw new Error(`notification ${i}: HTTP ${res.status}`);
      const firstAt = await first;
      samples.push(firstAt - sent);
      if (traced) {
        const epoch = performance.timeOrigin + sent;
        const until = performance.timeOrigin + firstAt;
        const requests = traced.requests.filter((r) => r.at >= Math.floor(epoch) && r.at <= until);
        sends.push({ epoch, digest: pushed.digest, firstDocker: firstAt - sent, registry: requests });
      }
      const entry = await waitUntil(
        async () => (await history()).find((h) => h.digest === pushed.digest && h.status !== "running"),
        { what: `deploy of v${i}`, timeoutMs: DEPLOY_TIMEOUT_MS, intervalMs: 50 },
      );
      if (entry.status !== "success") throw new Error(`deploy of v${i} ended ${entry.status}`);
      deploys.push((performance.now() - sent) / 1000);
      process.stderr.write(`push-to-deploy ${i}/${iterations}: ${samples.at(-1)?.toFixed(1)} ms\n`);
    }
    let trace: IterationTrace[] | undefined;
    if (traced) {
      botStopped = true;
      const stored = (await bot.stop(async (_store, client) => {
        const plans = await client.execute(
          "select p.created_at, p.started_at, d.manifest_digest from deployment_plans p join image_digests d on d.id = p.image_digest_id",
        );
        const jobs = await client.execute("select created_at, payload from jobs");
        return { plans: plans.rows, jobs: jobs.rows };
      })) ?? { plans: [], jobs: [] };
      trace = sends.map((s) => {
        const since = (at: unknown) => (typeof at === "number" ? round(at - s.epoch) : null);
        const plan = stored.plans.find((p) => p.manifest_digest === s.digest);
        const job = stored.jobs.find((j) => String(j.payload).includes(s.digest));
        return {
          job_created: since(job?.created_at),
          registry_requests: s.registry.map((r) => ({
            at: round(r.at - s.epoch),
            method: r.method,
            path: r.path,
          })),
          plan_created: since(plan?.created_at),
          plan_started: since(plan?.started_at),
          first_docker_request: round(s.firstDocker),
        };
      });
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
    return {
      iterations,
      p50_ms: at(0.5),
      p90_ms: at(0.9),
      min_ms: round(sorted[0] ?? 0),
      max_ms: round(sorted.at(-1) ?? 0),
      samples_ms: samples.map((s) => round(s)),
      deploy_p50_s: round([...deploys].sort((a, b) => a - b)[Math.floor(deploys.length / 2)] ?? 0),
      measured_from: "the bench sends the registry's notification for a manifest already pushed",
      measured_to:
        "the first request bytes the bot sends to the server's docker socket (a timing proxy in front of dockerd)",
      ...(trace ? { trace } : {}),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function startService(registry: RunningRegistry, dockerd: Dockerd, reference: string, port: number) {
  const host: DockerHost = socketDockerHost("seed", dockerd.socketPath);
  try {
    await pullImage(host, reference, {
      server: registry.host,
      username: registry.username,
      password: registry.password,
    });
  } finally {
    await host.close();
  }
  await runCommand([
    "docker",
    "-H",
    dockerd.dockerHost,
    "run",
    "-d",
    "--name",
    CONTAINER,
    "--network",
    "host",
    "-e",
    `PORT=${port}`,
    reference,
  ]);
}

async function seed(
  store: Store,
  registry: RunningRegistry,
  socketPath: string,
  deployed: string,
): Promise<Seeded> {
  const seeded = await seedRegistryImage(store, registry, {
    environment: "production",
    connection: "local",
    name: "web",
    repository: REPO,
    tagFilter: "latest",
    autoUpdate: true,
  });
  const { environment } = seeded;
  let { image } = seeded;
  const registries = createRegistryDeps();
  try {
    await syncImage({ store, registries, now: () => new Date() }, image);
  } finally {
    await registries.transport.close();
  }
  const row = (await store.digests.listForImage(image.id)).find((d) => d.manifestDigest === deployed);
  if (!row) throw new Error("the running digest was not synced");
  image = await store.images.update(image.id, { deployedDigestId: row.id });
  const server = await store.servers.create({
    environmentId: environment.id,
    name: "server-1",
    mode: "socket",
    socketPath,
  });
  await store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name: "web",
    containerName: CONTAINER,
    healthCheck: SERVICE_HEALTH,
    deployedDigest: deployed,
  });
  return { imageId: image.id };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
