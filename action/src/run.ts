import * as core from "@actions/core";
import * as github from "@actions/github";
import { BotError, botClient } from "./bot-client.js";
import { describeDuration } from "./duration.js";
import { followPlan } from "./follow-plan.js";
import { type ActionInputs, InputError, readInputs } from "./inputs.js";
import { failureMessage, timeoutMessage } from "./outcome.js";
import { type ActionOutputs, writeOutputs } from "./outputs.js";
import type { PlanDetail } from "./plan-json.js";
import { upsertComment } from "./pr-comment.js";
import { progressPrinter } from "./progress.js";
import { commentMarker, type ReportNote, renderFailureReport, renderReport } from "./report.js";
import { pullRequestNumber, triggerContext } from "./trigger-context.js";

/** The Action: start the deploy, follow it, report it, and fail the job unless it landed. */
export async function run(): Promise<void> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs((name) => core.getInput(name));
  } catch (error) {
    return fail(error, { status: "error" });
  }
  core.setSecret(inputs.token);
  if (inputs.githubToken) core.setSecret(inputs.githubToken);
  try {
    await deploy(inputs);
  } catch (error) {
    return fail(error, { status: "error" });
  }
}

async function deploy(inputs: ActionInputs): Promise<void> {
  const client = botClient(inputs.url, inputs.token);
  const { planId, detail: planned } = await client.deploy({
    environment: inputs.environment,
    image: inputs.image,
    ref: inputs.ref,
    autoRollback: inputs.autoRollback,
    context: triggerContext(github.context),
  });
  const planUrl = client.planUrl(planId);
  core.info(`Bridgeport plan ${planId}: ${inputs.image}@${planned.result.digest} to ${inputs.environment}`);
  core.info(`Follow it at ${planUrl}`);

  let detail: PlanDetail = planned;
  let note: ReportNote = { kind: "not-waited" };
  if (inputs.wait) {
    const outcome = await followPlan(
      client,
      planned,
      Date.now() + inputs.timeoutMs,
      progressPrinter((line) => core.info(line)),
    );
    detail = outcome.detail;
    note = outcome.kind === "timeout" ? { kind: "timeout", timeoutMs: inputs.timeoutMs } : { kind: "none" };
  }
  const { result } = detail;
  const timedOut = note.kind === "timeout";
  writeOutputs(
    { planId, status: timedOut ? "timeout" : result.status, digest: result.digest, result },
    core.setOutput,
  );
  const report = renderReport(result, planUrl, note);
  await writeSummary(report);
  await comment(inputs, report);

  const failure = timedOut
    ? timeoutMessage(planId, describeDuration(inputs.timeoutMs), planUrl)
    : failureMessage(result, planUrl);
  if (failure) core.setFailed(failure);
  else core.info(`Bridgeport plan ${planId}: ${result.status}`);
}

/** On a pull request (and unless `comment: false`), one comment per image and environment. */
async function comment(inputs: ActionInputs, report: string): Promise<void> {
  const number = pullRequestNumber(github.context);
  if (!inputs.comment || number === undefined) return;
  if (!inputs.githubToken) {
    core.warning("No PR comment: the `github-token` input is empty");
    return;
  }
  try {
    const octokit = github.getOctokit(inputs.githubToken);
    const { owner, repo } = github.context.repo;
    const done = await upsertComment(
      octokit,
      { owner, repo, number },
      commentMarker(inputs.image, inputs.environment),
      report,
    );
    core.info(`PR #${number}: comment ${done.action}`);
  } catch (error) {
    // The deploy's outcome stands either way; a missing `pull-requests: write` permission is the usual cause.
    core.warning(
      `Could not comment on PR #${number} (${(error as Error).message}): give the workflow \`pull-requests: write\` permission or set \`comment: false\``,
    );
  }
}

async function fail(error: unknown, outputs: ActionOutputs): Promise<void> {
  const message = error instanceof InputError || error instanceof BotError ? error.message : String(error);
  writeOutputs(outputs, core.setOutput);
  await writeSummary(renderFailureReport(message));
  core.setFailed(message);
}

/** The job summary; skipped where there is none (the Action run by hand outside a runner). */
async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
}
