import type { ProbotOctokit } from "probot";

export type GitHubClient = InstanceType<typeof ProbotOctokit>;

/** Where a command was written: the bot answers on the same issue or pull request. */
export interface CommandSite {
  owner: string;
  repo: string;
  issueNumber: number;
  commentId: number;
}

export type Reaction = "eyes" | "rocket" | "-1" | "+1";

/** The bot's side of one comment thread: reactions on the command, replies, one updated comment. */
export interface Conversation {
  react(content: Reaction): Promise<void>;
  reply(body: string): Promise<number>;
  update(commentId: number, body: string): Promise<void>;
  /** The bot's earlier comment carrying `marker`, if a previous run of the same job wrote one. */
  findComment(marker: string): Promise<{ id: number; body: string } | undefined>;
}

export function conversation(octokit: GitHubClient, site: CommandSite): Conversation {
  const { owner, repo } = site;
  return {
    async react(content) {
      await octokit.rest.reactions.createForIssueComment({
        owner,
        repo,
        comment_id: site.commentId,
        content,
      });
    },
    async reply(body) {
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: site.issueNumber,
        body,
      });
      return data.id;
    },
    async update(commentId, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body });
    },
    async findComment(marker) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: site.issueNumber,
        per_page: 100,
      });
      const found = comments.find((c) => c.body?.includes(marker));
      return found ? { id: found.id, body: found.body ?? "" } : undefined;
    },
  };
}

/**
 * Keeps one comment in step with a changing body: at most one request in flight, and only the
 * newest body is sent after it, so a burst of plan events becomes a few edits, in order.
 */
export function commentUpdater(send: (body: string) => Promise<void>, onError: (error: unknown) => void) {
  let wanted: string | null = null;
  let running: Promise<void> | null = null;
  const drain = async () => {
    while (wanted !== null) {
      const body = wanted;
      wanted = null;
      await send(body).catch(onError);
    }
    running = null;
  };
  return {
    set(body: string) {
      wanted = body;
      running ??= drain();
    },
    /** Resolves once every body set so far has been sent (or failed). */
    async flush() {
      while (running) await running;
    },
  };
}
