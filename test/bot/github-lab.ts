import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import {
  type FakeGitHub,
  type RecordedGitHubRequest,
  startFakeGitHub,
  waitUntil,
} from "@bridgeport/test/harness";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { type BotLab, startBotLab } from "./bot-lab.js";

// The package is JSON behind CommonJS typings: require gives the array its types describe.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

/** GitHub's recorded `issue_comment` `created` delivery from an App installation. */
const recorded = examples
  .find((e) => e.name === "issue_comment")
  ?.examples.find((x) => (x as { action?: string }).action === "created" && "installation" in x);
if (!recorded) throw new Error("no installation issue_comment example in @octokit/webhooks-examples");

// biome-ignore lint/suspicious/noExplicitAny: the recorded payload is edited in place, its shape is GitHub's
type Payload = Record<string, any>;

/** The example's repository: the tests configure this one. */
export const REPOSITORY = (recorded as Payload).repository.full_name as string;

export interface CommentOptions {
  login?: string;
  issueNumber?: number;
  commentId?: number;
  action?: "created" | "edited";
  /**
   * Comment on a pull request: GitHub then adds `issue.pull_request`. The recorded example is a
   * plain issue's comment, so this is the one edit beyond body and ids.
   */
  pullRequest?: boolean;
}

/**
 * The recorded payload with only the comment's body and the ids changed (and the commenter's
 * login, where a test needs a second person).
 */
export function commentPayload(body: string, options: CommentOptions = {}): Payload {
  const payload = structuredClone(recorded) as Payload;
  payload.action = options.action ?? "created";
  payload.comment.body = body;
  payload.comment.id = options.commentId ?? nextCommentId();
  payload.issue.number = options.issueNumber ?? 1;
  if (options.pullRequest) {
    const base = `https://api.github.com/repos/${payload.repository.full_name}`;
    payload.issue.pull_request = {
      url: `${base}/pulls/${payload.issue.number}`,
      html_url: `https://github.com/${payload.repository.full_name}/pull/${payload.issue.number}`,
      diff_url: `https://github.com/${payload.repository.full_name}/pull/${payload.issue.number}.diff`,
      patch_url: `https://github.com/${payload.repository.full_name}/pull/${payload.issue.number}.patch`,
      merged_at: null,
    };
  }
  if (options.login) {
    payload.comment.user.login = options.login;
    payload.sender.login = options.login;
  }
  return payload;
}

let commentIds = 600_000_000;
const nextCommentId = () => ++commentIds;

/** GitHub's X-Hub-Signature-256, computed here independently of Probot. */
export const sign = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

export interface GitHubLab {
  bot: BotLab;
  github: FakeGitHub;
  secret: string;
  /** Posts a delivery to /github/webhooks, signed with the app's secret unless told otherwise. */
  deliver(
    payload: Payload,
    options?: { event?: string; delivery?: string; signature?: string },
  ): Promise<Response>;
  /** Writes a comment and delivers it; returns its comment id. */
  comment(body: string, options?: CommentOptions): Promise<number>;
  /** The requests that concern one command comment's thread (its reactions, and the issue's comments). */
  reactions(commentId: number): string[];
  /** Waits for the n-th bot comment on the issue to satisfy `check`. */
  waitForComment(
    check: (body: string) => boolean,
    what: string,
    issueNumber?: number,
    timeoutMs?: number,
  ): Promise<string>;
  requestsTo(method: string, pathEnd: RegExp): RecordedGitHubRequest[];
  stop(): Promise<void>;
}

/** A bot in this process whose GitHub app talks to a fake GitHub API on loopback. */
export async function startGitHubLab(env: Record<string, string> = {}): Promise<GitHubLab> {
  const github = await startFakeGitHub({ defaultBranch: (recorded as Payload).repository.default_branch });
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const secret = randomBytes(24).toString("hex");
  const bot = await startBotLab({
    GITHUB_APP_ID: "4242",
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: secret,
    GITHUB_API_URL: github.url,
    GITHUB_REQUEST_THROTTLE: "off",
    ...env,
  });
  const deliver: GitHubLab["deliver"] = (payload, options = {}) => {
    const body = JSON.stringify(payload);
    return fetch(`${bot.url}/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": options.event ?? "issue_comment",
        "x-github-delivery": options.delivery ?? randomUUID(),
        "x-hub-signature-256": options.signature ?? sign(secret, body),
      },
    });
  };
  const requestsTo = (method: string, pathEnd: RegExp) =>
    github.requests.filter((r) => r.method === method && pathEnd.test(r.path));
  return {
    bot,
    github,
    secret,
    deliver,
    async comment(body, options = {}) {
      const payload = commentPayload(body, options);
      const response = await deliver(payload);
      if (response.status !== 202)
        throw new Error(`delivery answered ${response.status}: ${await response.text()}`);
      return payload.comment.id as number;
    },
    reactions: (commentId) =>
      requestsTo("POST", new RegExp(`/issues/comments/${commentId}/reactions$`)).map((r) =>
        String((r.body as { content?: string }).content),
      ),
    waitForComment: (check, what, issueNumber = 1, timeoutMs = 30_000) =>
      waitUntil(() => github.comments(REPOSITORY, issueNumber).find((c) => check(c.body))?.body, {
        what,
        timeoutMs,
        intervalMs: 50,
      }),
    requestsTo,
    async stop() {
      await bot.stop();
      await github.stop();
    },
  };
}
