import type { context } from "@actions/github";

type Context = typeof context;

/** A pull request's number, when the workflow runs for one. */
export function pullRequestNumber(context: Context): number | undefined {
  const number = context.payload.pull_request?.number;
  return typeof number === "number" ? number : undefined;
}

/** Where the deploy came from, stored with the plan: the repository, commit, run and pull request. */
export function triggerContext(context: Context): Record<string, string | number> {
  const { GITHUB_REPOSITORY: repository } = process.env;
  const pullRequest = pullRequestNumber(context);
  const entries: [string, string | number | undefined][] = [
    ["repository", repository],
    ["sha", context.sha],
    ["runId", Number.isFinite(context.runId) ? context.runId : undefined],
    [
      "runUrl",
      repository && Number.isFinite(context.runId)
        ? `${context.serverUrl}/${repository}/actions/runs/${context.runId}`
        : undefined,
    ],
    ["pullRequest", pullRequest],
  ];
  return Object.fromEntries(
    entries.filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== ""),
  );
}
