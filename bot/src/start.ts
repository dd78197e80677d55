import { mkdir } from "node:fs/promises";
import {
  createCipher,
  createRegistryDeps,
  createStore,
  ImageSyncer,
  loadMasterKey,
  MemoryLoginCache,
  openDatabase,
  recoverPlans,
  storeHostProvider,
} from "@bridgeport/core";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import type { BotConfig } from "./config.js";
import type { BotDeps } from "./deps.js";
import { GITHUB_COMMAND, gitHubCommandHandler } from "./github/command-job.js";
import { createGitHubApp } from "./github/github-app.js";
import { createJobRunner, type JobRunner } from "./jobs/job-runner.js";
import { startPlanRecovery } from "./jobs/plan-recovery.js";
import { createPlanRunner } from "./jobs/plan-runner.js";
import { purgeFinishedWork } from "./jobs/retention.js";
import { enqueueDueSyncs } from "./jobs/scheduler.js";
import { SYNC_IMAGE, syncImageHandler } from "./jobs/sync-image-job.js";
import type { Logger } from "./log.js";
import { createMetrics } from "./metrics.js";

export interface RunningBot {
  url: string;
  deps: BotDeps;
  /** The durable queue's runner (tests stop and restart it to play a crash). */
  jobs: JobRunner;
  stop(): Promise<void>;
}

/**
 * Starts the whole bot in this process: database (migrations applied), master key, bootstrap
 * token, HTTP server, recovery of plans a crash left behind, and the scheduler. Returns once it
 * serves; `stop` shuts everything down in order.
 */
export async function startBot(
  config: BotConfig,
  log: Logger,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningBot> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await loadMasterKey({
    env,
    dataDir: config.dataDir,
    log: { info: (message) => log.info(message) },
  });
  const database = await openDatabase({
    url: config.databaseUrl,
    onCheckpointError: (error) => log.warn({ error }, "background WAL checkpoint failed"),
  });
  const store = createStore(database, { cipher: createCipher(masterKey.key) });
  const metrics = createMetrics();
  const registries = createRegistryDeps({
    onRequest: (e) =>
      metrics.registryRequests.inc({
        kind: e.kind,
        status: e.status === 0 ? "error" : `${Math.floor(e.status / 100)}xx`,
      }),
  });
  const syncer = new ImageSyncer({
    store,
    registries,
    now: () => new Date(),
    maxTags: config.REGISTRY_MAX_TAGS,
  });
  let ready = false;
  const loginCache = new MemoryLoginCache();
  const owner = `bot-${process.pid}`;
  const planLeaseMs = config.PLAN_LEASE_SECONDS * 1000;
  const plans = createPlanRunner(
    { store, registries, loginCache, owner, leaseMs: planLeaseMs, log },
    (event) => {
      if (event.type === "plan") metrics.plans.inc({ status: event.status });
    },
  );
  const github = createGitHubApp(config, { store, log, wake: () => jobs.wake(GITHUB_COMMAND) });
  if (!github.configured && github.missing.length < 3) {
    log.warn({ missing: github.missing }, "the GitHub app is partly configured and stays off");
  }
  const jobs = createJobRunner({
    store,
    owner,
    leaseMs: config.JOB_LEASE_SECONDS * 1000,
    handlers: {
      [SYNC_IMAGE]: syncImageHandler({ store, syncer, plans, metrics }),
      ...(github.configured
        ? {
            [GITHUB_COMMAND]: gitHubCommandHandler({
              store,
              plans,
              syncer,
              registries,
              log,
              octokitFor: github.app.octokitFor,
            }),
          }
        : {}),
    },
    log: (level, event, message) => log[level](event, message),
  });
  const deps: BotDeps = {
    config,
    store,
    registries,
    syncer,
    loginCache,
    log,
    metrics,
    plans,
    jobs,
    github,
    ready: () => ready,
  };

  if (!config.BRIDGEPORT_ADMIN_TOKEN && (await store.apiTokens.count()) === 0) {
    const { value } = await store.apiTokens.create("bootstrap");
    // Shown once, on the terminal only (never in the structured log): it is not stored in clear.
    process.stdout.write(
      `\nBridgeport bootstrap API token (shown once, store it now):\n\n  ${value}\n\nUse it as: Authorization: Bearer <token>\n\n`,
    );
  }

  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;

  const hosts = storeHostProvider(store);
  const recovery = startPlanRecovery({
    recover: () => recoverPlans({ store, hosts, registries, loginCache, owner, leaseMs: planLeaseMs }),
    retryMs: planLeaseMs,
    onReport: (report) => log.warn({ plan: report }, "resolved a plan left by an earlier run"),
    onError: (error) => log.error({ err: String(error) }, "plan recovery failed"),
    onGiveUp: (busy) => log.error({ plans: busy }, "plans still leased elsewhere; left unresolved"),
  });
  await recovery.firstPass;

  // Jobs a crash left running are taken over once their lease runs out.
  jobs.start();
  let ticking: Promise<unknown> | null = null;
  const tick = () => {
    const now = new Date();
    ticking ??= enqueueDueSyncs(store, now)
      .then(async (report) => {
        if (report.queued > 0) jobs.wake(SYNC_IMAGE);
        const purged = await purgeFinishedWork(store, now, config.JOB_RETENTION_DAYS);
        log.info({ scheduler: report, purged }, "scheduler pass");
      })
      .catch((error: unknown) => log.error({ err: String(error) }, "scheduler pass failed"))
      .finally(() => {
        ticking = null;
      });
  };
  const timer = setInterval(tick, config.SCHEDULER_UPDATE_CHECK_INTERVAL * 1000);
  timer.unref();
  ready = true;
  log.info({ url }, "bridgeport listening");

  return {
    url,
    deps,
    jobs,
    async stop() {
      ready = false;
      clearInterval(timer);
      await ticking;
      await recovery.stop();
      await jobs.stop();
      await plans.idle();
      await plans.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hosts.close();
      await registries.transport.close();
      await database.close();
    },
  };
}
