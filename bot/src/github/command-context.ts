import type { ImageSyncer, RegistryDeps, Store } from "@bridgeport/core";
import type { PlanRunner } from "../jobs/plan-runner.js";
import type { Logger } from "../log.js";
import type { Notifier } from "../notify/notifier.js";
import type { CommandSite, Conversation, GitHubClient } from "./conversation.js";
import type { RepositoryPermission } from "./permission.js";
import type { RepoDeployConfig } from "./repo-config.js";

/** What every command handler works with. */
export interface CommandDeps {
  store: Store;
  plans: PlanRunner;
  syncer: ImageSyncer;
  registries: RegistryDeps;
  log: Logger;
  /** Told when a command locks or unlocks an environment. */
  notifier?: Pick<Notifier, "notify">;
  /** How often a followed plan's status is read. Default 500 ms. */
  pollMs?: number;
}

/** One command being carried out: who asked, where, and what the repository may deploy. */
export interface CommandContext {
  octokit: GitHubClient;
  site: CommandSite;
  talk: Conversation;
  login: string;
  permission: RepositoryPermission;
  /** `owner/name` */
  repository: string;
  /** The git ref GitHub Deployments record: the PR's head sha, or the default branch for an issue. */
  ref: () => Promise<string>;
  config: RepoDeployConfig;
  jobId: string;
}
