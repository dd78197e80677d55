import { mkdir } from "node:fs/promises";
import { rootCertificates } from "node:tls";
import {
  createCipher,
  createRegistryDeps,
  createStore,
  describeDatabaseUrl,
  ImageSyncer,
  isPostgresUrl,
  loadMasterKey,
  MemoryLoginCache,
  openDatabase,
  recoverPlans,
  storeHostProvider,
  upgradeStoredSecrets,
} from "@bridgeport/core";
import type { ServerType } from "@hono/node-server";
import { Agent } from "undici";
import { createApp } from "./app.js";
import { offerBootstrapToken, type Terminal } from "./bootstrap-token.js";
import { type BotConfig, ConfigError } from "./config.js";
import { holdDatabase } from "./database-lock.js";
import type { BotDeps } from "./deps.js";
import { GITHUB_COMMAND, gitHubCommandHandler } from "./github/command-job.js";
import { createGitHubApp } from "./github/github-app.js";
import { listen } from "./http/listen.js";
import { createJobRunner, type JobRunner } from "./jobs/job-runner.js";
import { startPlanRecovery } from "./jobs/plan-recovery.js";
import { createPlanRunner } from "./jobs/plan-runner.js";
import { purgeFinishedWork, RETENTION_BATCH } from "./jobs/retention.js";
import { enqueueDueSyncs } from "./jobs/scheduler.js";
import { SYNC_IMAGE, syncImageHandler } from "./jobs/sync-image-job.js";
import type { Logger } from "./log.js";
import { createMetrics } from "./metrics.js";
import { createNotifier } from "./notify/notifier.js";
import { NOTIFY_JOB, notifyHandler } from "./notify/notify-job.js";
import { defaultNotifyPolicy, type NotifyPolicy } from "./notify/notify-policy.js";
import { channelSender } from "./notify/send-to-channel.js";

export interface RunningBot {
  url: string;
  deps: BotDeps;
  /** The durable queue's runner (tests stop and restart it to play a crash). */
  jobs: JobRunner;
  /** The HTTP server (tests count what it read from each connection). */
  server: ServerType;
  stop(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** What a start may change besides the configuration (tests: shorter waits, a private CA). */
export interface StartOptions {
  notify?: Partial<NotifyPolicy> & {
    /** CAs (PEM) trusted for notification receivers besides the system's and NODE_EXTRA_CA_CERTS. */
    extraCa?: string[];
  };
}

/**
 * Starts the whole bot in this process: the database's lock, master key, database (migrations
 * applied), HTTP server, bootstrap token, recovery of plans a crash left behind, and the
 * scheduler. Returns once it serves; `stop` shuts everything down in order. A start the
 * configuration prevents (another bot on the database, a port in use) is a ConfigError saying
 * what to change, and leaves nothing behind.
 */
export async function startBot(
  config: BotConfig,
  log: Logger,
  env: Env,
  terminal: Terminal = process.stderr,
  options: StartOptions = {},
): Promise<RunningBot> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await holdDatabase(config.databaseUrl, { kind: "bot" }, (message) =>
    log.error({ err: message }, "the database session holding this bot's lock ended"),
  );
  const { database, store } = await openStore(config, log, env).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
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
  const { extraCa = [], ...tuning } = options.notify ?? {};
  const notifyPolicy: NotifyPolicy = { ...defaultNotifyPolicy, ...tuning };
  // Its own connections: a receiver that never answers holds none of the registries'.
  const notifyDispatcher = new Agent({
    connect: {
      timeout: notifyPolicy.timeoutMs,
      ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
    },
  });
  const send = channelSender({
    dispatcher: notifyDispatcher,
    timeoutMs: notifyPolicy.timeoutMs,
    extraCa,
    now: () => new Date(),
  });
  const notifier = createNotifier({
    store,
    foldWindowMs: notifyPolicy.foldWindowMs,
    wake: (kind) => jobs.wake(kind),
    log,
  });
  const plans = createPlanRunner(
    {
      store,
      registries,
      loginCache,
      owner,
      leaseMs: planLeaseMs,
      log,
      notifier,
      onSignatureWarning: (warning) => log.warn({ ...warning }, "deployed without a trusted signature"),
    },
    (event, seconds) => {
      if (event.type !== "plan") return;
      metrics.plans.inc({ status: event.status });
      metrics.planDuration.observe(seconds);
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
      [SYNC_IMAGE]: syncImageHandler({ store, syncer, plans, metrics, notifier }),
      [NOTIFY_JOB]: notifyHandler({
        store,
        send,
        policy: notifyPolicy,
        publicUrl: config.BRIDGEPORT_PUBLIC_URL ?? null,
        log,
      }),
      ...(github.configured
        ? {
            [GITHUB_COMMAND]: gitHubCommandHandler({
              store,
              plans,
              syncer,
              registries,
              log,
              notifier,
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
    notify: { notifier, send },
    ready: () => ready,
  };

  // Bound before the bootstrap token is made: a start that cannot serve must not use it up.
  const app = createApp(deps);
  const { server, url } = await listen(app.fetch, { port: config.PORT, host: config.HOST }).catch(
    async (error: unknown) => {
      await registries.transport.close();
      await notifyDispatcher.close();
      await database.close();
      await lock.release();
      throw error;
    },
  );
  await offerBootstrapToken({ store, config, log, terminal });

  const hosts = storeHostProvider(store);
  const recovery = startPlanRecovery({
    recover: () => recoverPlans({ store, hosts, registries, loginCache, owner, leaseMs: planLeaseMs }),
    retryMs: planLeaseMs,
    onReport: (report) => {
      log.warn({ plan: report }, "resolved a plan left by an earlier run");
      // Recovery runs plans without the runner's events: their end is told from the stored status.
      void store.plans
        .get(report.planId)
        .then((plan) => plan && notifier.planStatus(plan.id, plan.status))
        .catch((error: unknown) => log.error({ err: String(error) }, "reading a recovered plan failed"));
    },
    onError: (error) => log.error({ err: String(error) }, "plan recovery failed"),
    onGiveUp: (busy) => log.error({ plans: busy }, "plans still leased elsewhere; left unresolved"),
  });
  await recovery.firstPass;

  // Messages a crash left unsent get a sender again; jobs a crash left running are taken
  // over once their lease runs out.
  await store.notificationDeliveries.scheduleAll();
  jobs.start();
  let ticking: Promise<unknown> | null = null;
  const tick = () => {
    const now = new Date();
    ticking ??= enqueueDueSyncs(store, now)
      .then(async (report) => {
        if (report.queued > 0) jobs.wake(SYNC_IMAGE);
        const purged = await purgeFinishedWork(store, now, config.JOB_RETENTION_DAYS);
        const retained = new Date(now.getTime() - config.JOB_RETENTION_DAYS * 86_400_000);
        const notifications = await store.notificationDeliveries.purgeFinished(retained, RETENTION_BATCH);
        if (notifications > 0) log.info({ notifications }, "old notification deliveries deleted");
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
    server,
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
      await notifyDispatcher.close();
      await database.close();
      await lock.release();
    },
  };
}

async function openStore(config: BotConfig, log: Logger, env: Env) {
  const masterKey = await loadMasterKey({
    env,
    dataDir: config.dataDir,
    log: { info: (message) => log.info(message) },
  });
  const database = await openDatabase({
    url: config.databaseUrl,
    poolSize: config.DATABASE_POOL_SIZE,
    onCheckpointError: (error) => log.warn({ error }, "background WAL checkpoint failed"),
    onConnectionError: (error) => log.warn({ error }, "a pooled database connection failed; it is replaced"),
  }).catch((error: unknown) => {
    // PostgreSQL can be unreachable or refuse the login: say which database, never the URL's password.
    if (!isPostgresUrl(config.databaseUrl)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Cannot open the PostgreSQL database ${describeDatabaseUrl(config.databaseUrl)}: ${reason}`,
    );
  });
  const cipher = createCipher(masterKey.key);
  try {
    // Secrets written before they were bound to their row get bound now, once.
    await upgradeStoredSecrets(database, cipher);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { database, store: createStore(database, { cipher }) };
}
