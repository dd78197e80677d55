import type { Store } from "@bridgeport/core";
import { Probot, ProbotOctokit } from "probot";
import type { BotConfig } from "../config.js";
import type { Logger } from "../log.js";
import { parseComment } from "./command.js";
import { gitHubCommandJob } from "./command-job.js";
import type { GitHubClient } from "./conversation.js";

/** The Probot app as the rest of the bot sees it. */
export interface GitHubApp {
  /** Whether X-Hub-Signature-256 is the body's HMAC under the app's webhook secret. */
  verify(payload: string, signature: string): Promise<boolean>;
  /** Runs the listeners for a verified delivery. */
  receive(delivery: { id: string; name: string; payload: Record<string, unknown> }): Promise<void>;
  octokitFor(installationId: number): Promise<GitHubClient>;
}

export type GitHubAppSetup = { configured: true; app: GitHubApp } | { configured: false; missing: string[] };

const REQUIRED = ["GITHUB_APP_ID", "GITHUB_PRIVATE_KEY", "GITHUB_WEBHOOK_SECRET"] as const;

/**
 * Builds the Probot app from the configuration, or says which variables are missing: an
 * unconfigured app leaves the rest of the bot running. A command comment only queues a job
 * (keyed by the delivery id) and wakes the runner, so GitHub gets its answer at once.
 */
export function createGitHubApp(
  config: BotConfig,
  deps: { store: Store; log: Logger; wake: () => void },
): GitHubAppSetup {
  const missing = REQUIRED.filter((name) => !config[name]);
  const { GITHUB_APP_ID: appId, GITHUB_PRIVATE_KEY: privateKey, GITHUB_WEBHOOK_SECRET: secret } = config;
  if (!appId || !privateKey || !secret) return { configured: false, missing };
  const throttle = config.GITHUB_REQUEST_THROTTLE === "on";
  const probot = new Probot({
    appId,
    privateKey,
    secret,
    baseUrl: config.GITHUB_API_URL,
    // Probot logs a refused delivery with its whole payload: sender-controlled text, kept out.
    log: deps.log.child(
      { component: "github" },
      { redact: { paths: ["event.payload", "err.event.payload"], censor: "[payload omitted]" } },
    ),
    // GitHub asks for writes a second apart and for rate limits to be waited out; a loopback
    // test API needs neither.
    // A function, not an object: Probot merges its own throttle options in after plain defaults.
    Octokit: ProbotOctokit.defaults((options: Record<string, Record<string, unknown> | undefined>) => ({
      ...options,
      throttle: { ...options.throttle, enabled: throttle },
      retry: { ...options.retry, enabled: throttle },
    })),
  });
  // Edited comments are never read: an edit must not run a command a second time.
  probot.on("issue_comment.created", async (context) => {
    const { payload } = context;
    if (payload.sender.type === "Bot") return;
    const line = payload.comment.body.split(/\r?\n/, 1)[0] ?? "";
    if (parseComment(line) === null) return;
    if (!payload.installation) {
      deps.log.warn({ delivery: context.id }, "a command comment without an installation was ignored");
      return;
    }
    const [owner = "", repo = ""] = payload.repository.full_name.split("/");
    await deps.store.jobs.enqueue(
      gitHubCommandJob({
        deliveryId: context.id,
        installationId: payload.installation.id,
        owner,
        repo,
        defaultBranch: payload.repository.default_branch,
        issueNumber: payload.issue.number,
        pullRequest: Boolean(payload.issue.pull_request),
        commentId: payload.comment.id,
        login: payload.comment.user?.login ?? payload.sender.login,
        line: line.slice(0, 2000),
      }),
    );
    deps.wake();
  });
  return {
    configured: true,
    app: {
      verify: (payload, signature) => probot.webhooks.verify(payload, signature),
      receive: (delivery) => probot.webhooks.receive(delivery as never),
      octokitFor: (installationId) => probot.auth(installationId) as Promise<GitHubClient>,
    },
  };
}
