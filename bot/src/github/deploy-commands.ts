import {
  type Environment,
  type ImageDigest,
  loadPlanDetail,
  renderPlanReport,
  requestDeploy,
} from "@bridgeport/core";
import { planOfJob } from "../jobs/plan-of-job.js";
import type { Command } from "./command.js";
import type { CommandContext, CommandDeps } from "./command-context.js";
import { pickTarget, rollbackTarget } from "./deploy-target.js";
import { environmentNotAllowedReply, escapeText } from "./messages.js";
import { runPlanWithFeedback } from "./plan-feedback.js";

type DeployCommand = Extract<Command, { kind: "deploy" }>;
type RollbackCommand = Extract<Command, { kind: "rollback" }>;

/** `/deploy <digest|tag> [to env]` and `/deploy plan ...`. */
export async function deployCommand(deps: CommandDeps, ctx: CommandContext, command: DeployCommand) {
  const environment = await chosenEnvironment(deps, ctx, command.environment);
  if (!environment) return;
  const picked = await pickTarget(deps, environment.name, ctx.config.images, command.ref);
  if (!picked.ok) return refuse(ctx, picked.problem);
  await deploy(deps, ctx, {
    environment,
    digest: picked.target.digest,
    dryRun: command.dryRun,
    force: command.force,
  });
}

/** `/rollback [to env]`: the last deployed image goes back to the digest it ran before. */
export async function rollbackCommand(deps: CommandDeps, ctx: CommandContext, command: RollbackCommand) {
  const environment = await chosenEnvironment(deps, ctx, command.environment);
  if (!environment) return;
  const target = await rollbackTarget(deps.store, environment, ctx.config.images);
  if (!target.ok) return refuse(ctx, target.problem);
  await deploy(deps, ctx, { environment, digest: target.digest, dryRun: false, force: false });
}

async function deploy(
  deps: CommandDeps,
  ctx: CommandContext,
  input: { environment: Environment; digest: ImageDigest; dryRun: boolean; force: boolean },
) {
  const { store } = deps;
  // A re-run of this job (crash, retry) carries on with the plan the first run recorded.
  const earlier = await planOfJob(store, input.digest.containerImageId, ctx.jobId);
  let planId = earlier?.id;
  if (!planId) {
    const result = await requestDeploy(store, {
      containerImageId: input.digest.containerImageId,
      imageDigestId: input.digest.id,
      autoRollback: true,
      dryRun: input.dryRun,
      force: input.force,
      trigger: "pr_comment",
      triggeredBy: `github:${ctx.login}`,
      triggerContext: {
        jobId: ctx.jobId,
        repository: ctx.repository,
        issue: ctx.site.issueNumber,
        commentId: ctx.site.commentId,
      },
    });
    if (result.kind === "locked") {
      return refuse(ctx, `🔒 Deploy refused: ${input.environment.name} is ${escapeText(result.message)}.`);
    }
    if (result.kind !== "planned") return refuse(ctx, escapeText(result.message));
    planId = result.planId;
  }
  if (input.dryRun) {
    const detail = await loadPlanDetail(store, planId);
    if (detail) await ctx.talk.reply(renderPlanReport(detail.result));
    await ctx.talk.react("rocket");
    return;
  }
  await runPlanWithFeedback(
    deps,
    { octokit: ctx.octokit, site: ctx.site, talk: ctx.talk },
    { planId, ref: await ctx.ref(), resuming: earlier !== undefined },
  );
}

async function chosenEnvironment(
  deps: CommandDeps,
  ctx: CommandContext,
  named: string | null,
): Promise<Environment | undefined> {
  const name = named ?? ctx.config.defaultEnvironment;
  const allowed = ctx.config.environments;
  if (allowed && !allowed.includes(name)) {
    await refuse(ctx, environmentNotAllowedReply(name, allowed));
    return undefined;
  }
  const environment = await deps.store.environments.findByName(name);
  if (!environment)
    await refuse(ctx, `⚠️ There is no environment \`${name}\` in Bridgeport. Nothing was run.`);
  return environment;
}

async function refuse(ctx: CommandContext, message: string) {
  await ctx.talk.reply(message);
  await ctx.talk.react("-1");
}
