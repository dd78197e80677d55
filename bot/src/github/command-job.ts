import type { Job, NewJob } from "@bridgeport/core";
import { z } from "zod";
import { PermanentJobError } from "../jobs/job-errors.js";
import type { JobHandler } from "../jobs/job-runner.js";
import { parseComment } from "./command.js";
import type { CommandDeps } from "./command-context.js";
import { conversation, type GitHubClient } from "./conversation.js";
import { deployCommand, rollbackCommand } from "./deploy-commands.js";
import { lockCommand, unlockCommand } from "./lock-commands.js";
import {
  configProblemReply,
  helpReply,
  notAllowedReply,
  notConfiguredReply,
  usageReply,
} from "./messages.js";
import { canDeploy, repositoryPermission } from "./permission.js";
import { readRepoConfig } from "./read-repo-config.js";

export const GITHUB_COMMAND = "github-command";

const payloadSchema = z.object({
  deliveryId: z.string().min(1),
  installationId: z.number().int().positive(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  defaultBranch: z.string().min(1),
  issueNumber: z.number().int().positive(),
  pullRequest: z.boolean(),
  commentId: z.number().int().positive(),
  login: z.string().min(1),
  /** The comment's first line: all a command reads. */
  line: z.string().max(2000),
});
export type GitHubCommandPayload = z.infer<typeof payloadSchema>;

/** The queue job for one command comment, keyed by the webhook delivery: a redelivery queues nothing. */
export function gitHubCommandJob(payload: GitHubCommandPayload): NewJob {
  return { kind: GITHUB_COMMAND, payload, dedupeKey: `github-command:${payload.deliveryId}`, maxAttempts: 3 };
}

export interface GitHubCommandDeps extends CommandDeps {
  /** An Octokit authenticated as the app's installation. */
  octokitFor(installationId: number): Promise<GitHubClient>;
}

/**
 * Carries out a command comment: eyes at once, then usage or help, the permission check, the
 * repository's configuration (API mapping and `.github/bridgeport.yml` from the default
 * branch), and the command itself with its feedback.
 */
export function gitHubCommandHandler(deps: GitHubCommandDeps): JobHandler {
  return async (job: Job) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success)
      throw new PermanentJobError(`invalid github-command payload: ${parsed.error.message}`);
    const p = parsed.data;
    const octokit = await deps.octokitFor(p.installationId);
    const site = { owner: p.owner, repo: p.repo, issueNumber: p.issueNumber, commentId: p.commentId };
    const talk = conversation(octokit, site);
    const repository = `${p.owner}/${p.repo}`;
    await talk.react("eyes");

    const command = parseComment(p.line);
    if (command === null) return;
    if (!command.ok) {
      await talk.reply(usageReply(command.problem));
      return;
    }
    const stored = await deps.store.githubRepositories.findByName(repository);
    if (command.command.kind === "help") {
      await talk.reply(helpReply(stored?.defaultEnvironment ?? null));
      return;
    }
    const permission = await repositoryPermission(octokit, site, p.login);
    if (!canDeploy(permission)) {
      await talk.reply(notAllowedReply(p.login));
      return;
    }
    if (!stored) {
      await talk.reply(notConfiguredReply(repository));
      return;
    }
    const config = await readRepoConfig(octokit, site, p.defaultBranch, stored);
    if (!config.ok) {
      await talk.reply(configProblemReply(config.problem));
      await talk.react("-1");
      return;
    }
    const ctx = {
      octokit,
      site,
      talk,
      login: p.login,
      permission,
      repository,
      config: config.value,
      jobId: job.id,
      ref: async () => {
        if (!p.pullRequest) return p.defaultBranch;
        const { data } = await octokit.rest.pulls.get({
          owner: p.owner,
          repo: p.repo,
          pull_number: p.issueNumber,
        });
        return data.head.sha;
      },
    };
    switch (command.command.kind) {
      case "deploy":
        return deployCommand(deps, ctx, command.command);
      case "rollback":
        return rollbackCommand(deps, ctx, command.command);
      case "lock":
        await lockCommand(deps, ctx, command.command.reason);
        return;
      case "unlock":
        await unlockCommand(deps, ctx);
        return;
    }
  };
}
