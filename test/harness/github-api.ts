import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { example, legacyPermission, notFound, userJson } from "./github-api-fixtures.js";

// github.com cannot be reached from here: this loopback server stands in for the few REST
// endpoints the GitHub app and the Action call. It records every request so tests assert on
// what was sent, and answers with GitHub's documented response shapes.

export interface RecordedGitHubRequest {
  method: string;
  /** The path without the query string, e.g. `/repos/acme/shop/deployments`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, the raw text otherwise, null when empty. */
  body: unknown;
}

export type GitHubPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface FakeGitHubComment {
  id: number;
  body: string;
  user: string;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:<port>`: GITHUB_API_URL, or Octokit's `baseUrl`. */
  url: string;
  /** Every request, oldest first, unknown routes included. */
  readonly requests: RecordedGitHubRequest[];
  /** The default branch every repository reports (`main` unless set at start). */
  readonly defaultBranch: string;
  /** The login that comments made with an installation token carry. */
  readonly appLogin: string;
  setPermission(repo: string, login: string, permission: GitHubPermission): void;
  /** A file on the default branch; a `ref` naming any other branch or sha gets 404. */
  setFile(repo: string, path: string, content: string): void;
  setPullRequest(repo: string, number: number, pr: { headSha: string; headRef: string }): void;
  /** A comment already on the issue, as another user wrote it. */
  addComment(repo: string, issueNumber: number, comment: { body: string; user: string }): FakeGitHubComment;
  /** The issue's comments as they stand now (after every PATCH). */
  comments(repo: string, issueNumber: number): FakeGitHubComment[];
  clearRequests(): void;
  stop(): Promise<void>;
}

interface StoredComment extends FakeGitHubComment {
  repo: string;
  issueNumber: number;
  createdAt: string;
  updatedAt: string;
}

interface Reply {
  status: number;
  body?: unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  handle: (params: string[], request: RecordedGitHubRequest) => Reply;
}

const bodyLimit = 1024 * 1024;

/**
 * Starts the fake GitHub REST API on 127.0.0.1.
 *
 * @example
 * const github = await startFakeGitHub();
 * github.setPermission("acme/shop", "alice", "write");
 * // ... GITHUB_API_URL = github.url; after the run:
 * const posted = github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/reactions"));
 */
export async function startFakeGitHub(options: { defaultBranch?: string } = {}): Promise<FakeGitHub> {
  const requests: RecordedGitHubRequest[] = [];
  const permissions = new Map<string, GitHubPermission>();
  const files = new Map<string, string>();
  const pulls = new Map<string, { headSha: string; headRef: string }>();
  const comments: StoredComment[] = [];
  const installationTokens = new Set<string>();
  const defaultBranch = options.defaultBranch ?? "main";
  const appLogin = "bridgeport[bot]";
  let nextId = 1000;
  let url = "";

  const now = () => new Date().toISOString();
  const repoJson = (repo: string) => {
    const [owner = "", name = ""] = repo.split("/");
    return { id: 1296269, name, full_name: repo, owner: userJson(owner, url), default_branch: defaultBranch };
  };
  const commentJson = (comment: StoredComment) =>
    example("issue-comment", {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${url}/repos/${comment.repo}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${comment.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${url}/repos/${comment.repo}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: userJson(comment.user, url),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
    });
  const addComment = (repo: string, issueNumber: number, body: string, user: string): StoredComment => {
    const comment = { id: nextId++, repo, issueNumber, body, user, createdAt: now(), updatedAt: now() };
    comments.push(comment);
    return comment;
  };
  // GitHub attributes writes to whoever the token belongs to: the app for its installation
  // tokens, the Actions bot for a workflow's GITHUB_TOKEN.
  const author = (request: RecordedGitHubRequest) => {
    const token = (request.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "");
    return installationTokens.has(token) ? appLogin : "github-actions[bot]";
  };
  const field = (body: unknown, name: string): unknown =>
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;

  const routes: Route[] = [
    {
      method: "POST",
      pattern: /^\/app\/installations\/(\d+)\/access_tokens$/,
      handle: () => {
        const token = `ghs_${randomBytes(18).toString("hex")}`;
        installationTokens.add(token);
        const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
        return { status: 201, body: example("installation-token", { token, expires_at: expiresAt }) };
      },
    },
    {
      method: "GET",
      pattern: /^\/repos\/([^/]+\/[^/]+)$/,
      handle: ([repo = ""]) => ({ status: 200, body: example("full-repository", repoJson(repo)) }),
    },
    {
      method: "GET",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/collaborators\/([^/]+)\/permission$/,
      handle: ([repo = "", login = ""]) => {
        const role = permissions.get(`${repo}#${login}`) ?? "none";
        return {
          status: 200,
          body: example("collaborator-permission", {
            permission: legacyPermission(role),
            role_name: role,
            user: userJson(login, url),
          }),
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/,
      handle: ([repo = "", number = ""]) => {
        const pr = pulls.get(`${repo}#${number}`);
        if (pr === undefined) return { status: 404, body: notFound() };
        const base = example("pull-request", {}) as { head: Record<string, unknown> };
        return {
          status: 200,
          body: {
            ...base,
            number: Number(number),
            url: `${url}/repos/${repo}/pulls/${number}`,
            head: {
              ...base.head,
              sha: pr.headSha,
              ref: pr.headRef,
              label: `${repo.split("/")[0]}:${pr.headRef}`,
            },
          },
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/contents\/(.+)$/,
      handle: ([repo = "", path = ""], request) => {
        const content = files.get(`${repo}#${path}`);
        const ref = request.query.ref;
        const onDefault = ref === undefined || ref === defaultBranch || ref === `refs/heads/${defaultBranch}`;
        if (content === undefined || !onDefault) return { status: 404, body: notFound() };
        const encoded = Buffer.from(content).toString("base64");
        return {
          status: 200,
          body: example("content-file", {
            name: path.split("/").at(-1),
            path,
            size: Buffer.byteLength(content),
            content: encoded.replace(/(.{60})/g, "$1\n"),
            encoding: "base64",
            url: `${url}/repos/${repo}/contents/${path}?ref=${defaultBranch}`,
          }),
        };
      },
    },
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/(?:comments\/)?(\d+)\/reactions$/,
      handle: (_params, request) => ({
        status: 201,
        body: example("reaction", {
          id: nextId++,
          content: field(request.body, "content"),
          user: userJson(author(request), url),
          created_at: now(),
        }),
      }),
    },
    {
      method: "GET",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
      handle: ([repo = "", number = ""]) => ({
        status: 200,
        body: comments.filter((c) => c.repo === repo && c.issueNumber === Number(number)).map(commentJson),
      }),
    },
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
      handle: ([repo = "", number = ""], request) => {
        const body = field(request.body, "body");
        if (typeof body !== "string") return { status: 422, body: { message: "Validation Failed" } };
        return { status: 201, body: commentJson(addComment(repo, Number(number), body, author(request))) };
      },
    },
    {
      method: "PATCH",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/,
      handle: ([repo = "", id = ""], request) => {
        const comment = comments.find((c) => c.repo === repo && c.id === Number(id));
        const body = field(request.body, "body");
        if (comment === undefined) return { status: 404, body: notFound() };
        if (typeof body !== "string") return { status: 422, body: { message: "Validation Failed" } };
        comment.body = body;
        comment.updatedAt = now();
        return { status: 200, body: commentJson(comment) };
      },
    },
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/deployments$/,
      handle: ([repo = ""], request) => {
        const id = nextId++;
        const ref = field(request.body, "ref");
        return {
          status: 201,
          body: example("deployment", {
            id,
            node_id: `DE_${id}`,
            url: `${url}/repos/${repo}/deployments/${id}`,
            sha: ref,
            ref,
            task: field(request.body, "task") ?? "deploy",
            payload: field(request.body, "payload") ?? {},
            environment: field(request.body, "environment") ?? "production",
            description: field(request.body, "description") ?? null,
            creator: userJson(author(request), url),
            created_at: now(),
            updated_at: now(),
            statuses_url: `${url}/repos/${repo}/deployments/${id}/statuses`,
            repository_url: `${url}/repos/${repo}`,
            transient_environment: field(request.body, "transient_environment") ?? false,
            production_environment: field(request.body, "production_environment") ?? false,
          }),
        };
      },
    },
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/deployments\/(\d+)\/statuses$/,
      handle: ([repo = "", deploymentId = ""], request) => {
        const id = nextId++;
        return {
          status: 201,
          body: example("deployment-status", {
            id,
            node_id: `DES_${id}`,
            url: `${url}/repos/${repo}/deployments/${deploymentId}/statuses/${id}`,
            state: field(request.body, "state"),
            description: field(request.body, "description") ?? "",
            environment: field(request.body, "environment") ?? "",
            log_url: field(request.body, "log_url") ?? "",
            environment_url: field(request.body, "environment_url") ?? "",
            creator: userJson(author(request), url),
            created_at: now(),
            updated_at: now(),
            deployment_url: `${url}/repos/${repo}/deployments/${deploymentId}`,
            repository_url: `${url}/repos/${repo}`,
          }),
        };
      },
    },
  ];

  const answer = (request: RecordedGitHubRequest): Reply => {
    if (request.headers.authorization === undefined) {
      return { status: 401, body: { message: "Requires authentication", status: "401" } };
    }
    for (const route of routes) {
      const match = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (match !== null) return route.handle(match.slice(1).map(decodeURIComponent), request);
    }
    return { status: 404, body: notFound() };
  };

  const server = createServer((incoming, response) => {
    readRequest(incoming)
      .then((request) => {
        requests.push(request);
        send(response, answer(request));
      })
      .catch((error: unknown) => send(response, { status: 400, body: { message: String(error) } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    defaultBranch,
    appLogin,
    setPermission: (repo, login, permission) => permissions.set(`${repo}#${login}`, permission),
    setFile: (repo, path, content) => files.set(`${repo}#${path}`, content),
    setPullRequest: (repo, number, pr) => pulls.set(`${repo}#${number}`, pr),
    addComment: (repo, issueNumber, { body, user }) => {
      const { id } = addComment(repo, issueNumber, body, user);
      return { id, body, user };
    },
    comments: (repo, issueNumber) =>
      comments
        .filter((c) => c.repo === repo && c.issueNumber === issueNumber)
        .map(({ id, body, user }) => ({ id, body, user })),
    clearRequests: () => {
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readRequest(incoming: IncomingMessage): Promise<RecordedGitHubRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bodyLimit) throw new Error("request body too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const parsed = new URL(incoming.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    method: incoming.method ?? "GET",
    path: parsed.pathname,
    query: Object.fromEntries(parsed.searchParams),
    headers,
    body: parseBody(text),
  };
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-media-type": "github.v3; format=json",
  });
  response.end(text);
}
