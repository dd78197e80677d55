/** The slice of Octokit the comment needs (getOctokit's `request`), so tests can pass a fake. */
export interface GitHubRequester {
  request(route: string, parameters: Record<string, unknown>): Promise<{ data: unknown }>;
}

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

/** Pages of comments read at most when looking for an earlier one (100 each). */
const MAX_PAGES = 10;

/**
 * Creates the pull request comment, or updates the earlier one carrying `marker`, so a pull
 * request shows one result per image and environment however often the workflow runs.
 */
export async function upsertComment(
  github: GitHubRequester,
  issue: IssueRef,
  marker: string,
  body: string,
): Promise<{ action: "created" | "updated"; id: number }> {
  const text = `${marker}\n${body}`;
  const existing = await findComment(github, issue, marker);
  if (existing !== undefined) {
    await github.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: issue.owner,
      repo: issue.repo,
      comment_id: existing,
      body: text,
    });
    return { action: "updated", id: existing };
  }
  const { data } = await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.number,
    body: text,
  });
  return { action: "created", id: (data as { id: number }).id };
}

async function findComment(github: GitHubRequester, issue: IssueRef, marker: string) {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await github.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: issue.owner,
      repo: issue.repo,
      issue_number: issue.number,
      per_page: 100,
      page,
    });
    const comments = Array.isArray(data) ? (data as { id: number; body?: string }[]) : [];
    const found = comments.find((c) => typeof c.body === "string" && c.body.includes(marker));
    if (found) return found.id;
    if (comments.length < 100) return undefined;
  }
  return undefined;
}
