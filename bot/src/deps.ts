import type { ImageSyncer, LoginCache, RegistryDeps, Store } from "@bridgeport/core";
import type { BotConfig } from "./config.js";
import type { DatabaseHealth } from "./database-health.js";
import type { GitHubAppSetup } from "./github/github-app.js";
import type { PlanRunner } from "./jobs/plan-runner.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import type { Notifier } from "./notify/notifier.js";
import type { ChannelSender } from "./notify/send-to-channel.js";

/** Everything the HTTP app needs, passed in (tests build it against temp databases). */
export interface BotDeps {
  config: BotConfig;
  store: Store;
  registries: RegistryDeps;
  syncer: ImageSyncer;
  loginCache: LoginCache;
  log: Logger;
  metrics: Metrics;
  /** Runs deployment plans in the background and streams their events. */
  plans: PlanRunner;
  /** Notifications: queue events (`notifier`), and send one message now (`send`, the channel test). */
  notify: { notifier: Notifier; send: ChannelSender };
  /** The durable job queue's runner: receivers wake it after queueing (absent in app-only tests). */
  jobs?: { wake(kind?: string): void };
  /** The Probot app, or which variables it still needs (absent in app-only tests). */
  github?: GitHubAppSetup;
  /** Whether the database answers; while it does not, new work gets 503 (absent in app-only tests). */
  database?: Pick<DatabaseHealth, "up" | "suspect">;
  /** False until start-up (migrations, recovery) is done: /readyz says 503 until then. */
  ready: () => boolean;
}
