import type { PlanResult, PlanStatus } from "@bridgeport/core";
import type { CommandSite, GitHubClient } from "./conversation.js";

export type DeploymentState = "in_progress" | "success" | "failure" | "inactive";

/** The GitHub Deployment state a finished plan ends in. */
export function deploymentState(status: PlanStatus): DeploymentState {
  if (status === "success") return "success";
  if (status === "cancelled") return "inactive";
  if (status === "pending" || status === "running") return "in_progress";
  return "failure";
}

/** GitHub caps a status description at 140 characters. */
export function statusDescription(result: PlanResult): string {
  const outcome = result.status.replace("_", " ");
  const text = result.error ? `${outcome}: ${result.error}` : outcome;
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/**
 * Opens a GitHub Deployment for the plan. `required_contexts: []` and `auto_merge: false`:
 * the bot deploys an image digest that already passed its pipeline, never merges branches.
 */
export async function createDeployment(
  octokit: GitHubClient,
  site: CommandSite,
  input: { ref: string; environment: string; result: PlanResult },
): Promise<number> {
  const { data } = await octokit.rest.repos.createDeployment({
    owner: site.owner,
    repo: site.repo,
    ref: input.ref,
    environment: input.environment,
    task: "deploy",
    auto_merge: false,
    required_contexts: [],
    description: `${input.result.image}@${input.result.digest}`.slice(0, 140),
    payload: {
      planId: input.result.planId,
      image: input.result.image,
      digest: input.result.digest,
      tag: input.result.tag,
    },
  });
  if (!("id" in data))
    throw new Error(`GitHub did not create the deployment: ${data.message ?? "no reason"}`);
  return data.id;
}

export async function setDeploymentStatus(
  octokit: GitHubClient,
  site: CommandSite,
  deploymentId: number,
  input: { state: DeploymentState; description: string; logUrl?: string },
): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({
    owner: site.owner,
    repo: site.repo,
    deployment_id: deploymentId,
    state: input.state,
    description: input.description,
    ...(input.logUrl ? { log_url: input.logUrl } : {}),
  });
}
