import {
  loadPlanDetail,
  type PlanDetail,
  type PlanStatus,
  renderPlanReport,
  type Store,
  UNSUCCESSFUL_PLAN_STATUSES,
} from "@bridgeport/core";
import type { PlanRunner } from "../jobs/plan-runner.js";
import type { Logger } from "../log.js";
import { type CommandSite, type Conversation, commentUpdater, type GitHubClient } from "./conversation.js";
import {
  createDeployment,
  deploymentState,
  setDeploymentStatus,
  statusDescription,
} from "./github-deployment.js";
import { planMarker, readMarker } from "./messages.js";

export interface PlanFeedbackDeps {
  store: Store;
  plans: PlanRunner;
  log: Logger;
  /** How often the plan's stored status is read while waiting. Default 500 ms. */
  pollMs?: number;
  /** The longest a plan is followed. Default one hour. */
  timeoutMs?: number;
}

const UNFINISHED: readonly PlanStatus[] = ["pending", "running"];

/**
 * Runs a stored plan with GitHub feedback: a Deployment (ref = the PR head) marked in_progress,
 * one comment created and edited as plan events arrive, and at the end the final table, the
 * Deployment's last status and a rocket or -1 on the command. A re-run of the same job (after
 * a crash) finds its comment by a hidden marker and carries on instead of starting over.
 */
export async function runPlanWithFeedback(
  deps: PlanFeedbackDeps,
  github: { octokit: GitHubClient; site: CommandSite; talk: Conversation },
  input: { planId: string; ref: string; resuming: boolean },
): Promise<PlanStatus> {
  const { store, plans, log } = deps;
  const { octokit, site, talk } = github;
  const detail = await mustLoad(store, input.planId);
  const earlier = input.resuming ? await talk.findComment(`bridgeport:plan=${input.planId} `) : undefined;
  const deploymentId =
    (earlier && readMarker(earlier.body, input.planId)?.deploymentId) ??
    (await createDeployment(octokit, site, {
      ref: input.ref,
      environment: detail.result.environment,
      result: detail.result,
    }));
  const body = (d: PlanDetail) =>
    `${renderPlanReport(d.result)}\n${planMarker(input.planId, deploymentId)}\n`;
  const commentId = earlier?.id ?? (await talk.reply(body(detail)));
  await setDeploymentStatus(octokit, site, deploymentId, {
    state: "in_progress",
    description: `deploying ${detail.result.services.length} service(s)`,
  });

  const updater = commentUpdater(
    (text) => talk.update(commentId, text),
    (error) => log.warn({ err: String(error), planId: input.planId }, "updating the PR comment failed"),
  );
  const unsubscribe = await plans.subscribe(input.planId, (event) => {
    // A health attempt changes nothing the comment shows: no GitHub write for it.
    if (event.type === "health") return;
    loadPlanDetail(store, input.planId)
      .then((d) => d && updater.set(body(d)))
      .catch((error: unknown) => log.warn({ err: String(error) }, "reading plan progress failed"));
  });
  try {
    if (detail.plan.status === "pending") plans.start(input.planId);
    const final = await waitForEnd(store, input.planId, deps.pollMs ?? 500, deps.timeoutMs ?? 3_600_000);
    updater.set(body(final));
    await updater.flush();
    await setDeploymentStatus(octokit, site, deploymentId, {
      state: deploymentState(final.result.status),
      description: statusDescription(final.result),
    });
    await talk.react(UNSUCCESSFUL_PLAN_STATUSES.includes(final.result.status) ? "-1" : "rocket");
    return final.result.status;
  } finally {
    unsubscribe();
  }
}

async function mustLoad(store: Store, planId: string): Promise<PlanDetail> {
  const detail = await loadPlanDetail(store, planId);
  if (!detail) throw new Error(`plan ${planId} is gone`);
  return detail;
}

async function waitForEnd(
  store: Store,
  planId: string,
  pollMs: number,
  timeoutMs: number,
): Promise<PlanDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await mustLoad(store, planId);
    if (!UNFINISHED.includes(detail.plan.status)) return detail;
    // The job is retried later and picks the plan up again (the marker finds its comment).
    if (Date.now() > deadline) throw new Error(`plan ${planId} did not finish within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
