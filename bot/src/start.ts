import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
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
  pingDatabase,
  recoverPlans,
  storeHostProvider,
  upgradeStoredSecrets,
} from "@bridgeport/core";
import type { ServerType } from "@hono/node-server";
import { Agent } from "undici";
import { createApp } from "./app.js";
import { offerBootstrapToken, type Terminal } from "./bootstrap-token.js";
import { type BotConfig, ConfigError } from "./config.js";
import { watchDatabase } from "./database-health.js";
import { holdDatabase } from "./database-lock.js";
import type { BotDeps } from "./deps.js";
import { GITHUB_COMMAND, gitHubCommandHandler } from "./github/command-job.js";
import { createGitHubApp } from "./github/github-app.js";
import { listen } from "./http/listen.js";
import { createJobRunner, type JobRunner } from "./jobs/job-runner.js";
import { createPlanEventFeed } from "./jobs/plan-events.js";
import { startPlanRecovery } from "./jobs/plan-recovery.js";
import { createPlanRunner } from "./jobs/plan-runner.js";
import { purgeFinishedWork, RETENTION_BATCH } from "./jobs/retention.js";
import { enqueueDueSyncs } from "./jobs/scheduler.js";
import { schedulerLease } from "./jobs/scheduler-lease.js";
import { startSchedulerLoop } from "./jobs/scheduler-loop.js";
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
  const lock = await holdDatabase(
    config.databaseUrl,
    { kind: "bot" },
    {
      onLost: (message) =>
        log.error({ err: message }, "the database session holding this bot's lock ended; taking it again"),
      onRetaken: () => log.info("this bot holds its database lock again"),
    },
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
  // Unique among replicas: containers all run as PID 1, and jobs and plans are leased by name.
  const owner = `bot-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const planLeaseMs = config.PLAN_LEASE_SECONDS * 1000;
  const signals = database.dialect.signals;
  const events = createPlanEventFeed({
    store,
    signals,
    onError: (error) => log.warn({ err: String(error) }, "writing or reading plan events failed"),
  });
  const health = watchDatabase({
    probe: () => pingDatabase(database),
    onChange: (up, reason) => {
      metrics.databaseUp.set(up ? 1 : 0);
      if (up) log.warn("the database answers again; taking new work");
      else log.error({ reason }, "the database is unreachable; refusing new work with 503 until it answers");
    },
  });
  metrics.databaseUp.set(1);
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
      events,
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
    database: health,
    ready: () => ready && health.up,
  };

  // Bound before the bootstrap token is made: a start that cannot serve must not use it up.
  const app = createApp(deps);
  const { server, url } = await listen(app.fetch, { port: config.PORT, host: config.HOST }).catch(
    async (error: unknown) => {
      health.stop();
      await registries.transport.close();
      await notifyDispatcher.close();
      await database.close();
      await lock.release();
      throw error;
    },
  );
  await offerBootstrapToken({ store, config, log, terminal });

  const hosts = storeHostProvider(store);
  const shared = database.engine === "postgres";
  const recoveryDeps = {
    store,
    hosts,
    registries,
    loginCache,
    owner,
    leaseMs: planLeaseMs,
    onEvent: events.publish,
  };
  const recovery = startPlanRecovery({
    // Later passes leave a young pending plan to the replica that made it and is starting it.
    recover: (pass) => recoverPlans(recoveryDeps, { pendingGraceMs: pass === 0 ? 0 : planLeaseMs }),
    retryMs: planLeaseMs,
    // Several replicas: a live one takes over a dead one's plans once their lease runs out.
    ...(shared ? { everyMs: Math.max(1_000, planLeaseMs / 2) } : {}),
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

  // Messages a crash left unsent get a sender again; jobs a crash left running are taken over once their lease runs out. Another replica's
  // enqueue wakes this one (NOTIFY); after a lost LISTEN connection, every pool looks again.
  await store.notificationDeliveries.scheduleAll();
  jobs.start();
  const unlisten = [signals.on("jobs", (kind) => jobs.wake(kind)), signals.onResumed(() => jobs.wake())];
  const scheduler = startSchedulerLoop({
    lease: schedulerLease(config.databaseUrl, (message) =>
      log.warn({ err: message }, "the scheduler lock went with its database session; a replica takes it"),
    ),
    intervalMs: config.SCHEDULER_UPDATE_CHECK_INTERVAL * 1000,
    onTick: (held) => metrics.schedulerHolder.set(held ? 1 : 0),
    pass: async (now) => {
      metrics.schedulerPasses.inc();
      metrics.schedulerLastPass.set(now.getTime() / 1000);
      const report = await enqueueDueSyncs(store, now);
      if (report.queued > 0) jobs.wake(SYNC_IMAGE);
      const purged = await purgeFinishedWork(store, now, config.JOB_RETENTION_DAYS);
      const retained = new Date(now.getTime() - config.JOB_RETENTION_DAYS * 86_400_000);
      const notifications = await store.notificationDeliveries.purgeFinished(retained, RETENTION_BATCH);
      if (notifications > 0) log.info({ notifications }, "old notification deliveries deleted");
      // A plan's events serve its live followers and reconnects: history keeps the outcome.
      const planEvents = await store.planEvents.purgeBefore(retained, RETENTION_BATCH);
      if (planEvents > 0) log.info({ planEvents }, "old plan events deleted");
      log.info({ scheduler: report, purged, owner }, "scheduler pass");
    },
    onError: (error) => log.error({ err: String(error) }, "scheduler pass failed"),
  });
  ready = true;
  log.info({ url }, "bridgeport listening");

  return {
    url,
    deps,
    jobs,
    server,
    async stop() {
      ready = false;
      await scheduler.stop();
      for (const off of unlisten) off();
      await recovery.stop();
      await jobs.stop();
      await plans.idle();
      await plans.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      health.stop();
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
