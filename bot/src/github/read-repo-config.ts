import type { GitHubRepository } from "@bridgeport/core";
import type { GitHubClient } from "./conversation.js";
import { effectiveConfig, parseRepoFile, REPO_FILE, type RepoDeployConfig } from "./repo-config.js";

/**
 * The repository's deploy configuration: the API mapping narrowed by `.github/bridgeport.yml`
 * read from the default branch, never from the PR head, which the PR's author controls.
 */
export async function readRepoConfig(
  octokit: GitHubClient,
  site: { owner: string; repo: string },
  defaultBranch: string,
  stored: GitHubRepository,
): Promise<{ ok: true; value: RepoDeployConfig } | { ok: false; problem: string }> {
  let text: string | null = null;
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: site.owner,
      repo: site.repo,
      path: REPO_FILE,
      ref: defaultBranch,
    });
    if (!Array.isArray(data) && data.type === "file" && "content" in data) {
      text = Buffer.from(data.content, "base64").toString("utf8");
    }
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  if (text === null) return effectiveConfig(stored, null);
  const file = parseRepoFile(text);
  return file.ok ? effectiveConfig(stored, file.value) : file;
}
