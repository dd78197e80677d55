import type { GitHubClient } from "./conversation.js";

export type RepositoryPermission = "admin" | "write" | "read" | "none";

/**
 * The commenter's permission on the repository as GitHub reports it (`maintain` reads as
 * write, `triage` as read). Not a collaborator: none.
 */
export async function repositoryPermission(
  octokit: GitHubClient,
  site: { owner: string; repo: string },
  login: string,
): Promise<RepositoryPermission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: site.owner,
      repo: site.repo,
      username: login,
    });
    const permission = data.permission;
    return permission === "admin" || permission === "write" || permission === "read" ? permission : "none";
  } catch (error) {
    if ((error as { status?: number }).status === 404) return "none";
    throw error;
  }
}

export const canDeploy = (permission: RepositoryPermission): boolean =>
  permission === "admin" || permission === "write";
