import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WebhookDefinition } from "@octokit/webhooks-examples";

const bundle = fileURLToPath(new URL("../../action/dist/index.js", import.meta.url));
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

/** GitHub's recorded `pull_request` delivery for a push to an open pull request (#2 of Codertocat/Hello-World). */
export const pullRequestEvent = (() => {
  const found = examples
    .find((e) => e.name === "pull_request")
    ?.examples.find((x) => (x as { action?: string }).action === "synchronize") as
    | { number: number; repository: { full_name: string }; pull_request: { head: { sha: string } } }
    | undefined;
  if (!found) throw new Error("no pull_request synchronize example in @octokit/webhooks-examples");
  return found;
})();

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT parsed (`name<<delimiter` blocks and `name=value` lines). */
  outputs: Record<string, string>;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
}

export interface RunOptions {
  inputs: Record<string, string>;
  /** GITHUB_API_URL; absent: no pull request event either (a push workflow). */
  githubApiUrl?: string;
  timeoutMs?: number;
}

/**
 * Runs the committed bundle the way the runner runs the composite step: `node action/dist/index.js`
 * with only the runner's variables, INPUT_* named as @actions/core reads them, and the file
 * commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and event payload (GITHUB_EVENT_PATH) as files.
 */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), "bridgeport-test-action-"));
  try {
    const files = {
      output: join(dir, "output"),
      summary: join(dir, "summary"),
      event: join(dir, "event.json"),
    };
    await writeFile(files.output, "");
    await writeFile(files.summary, "");
    const pullRequest = options.githubApiUrl !== undefined;
    await writeFile(files.event, JSON.stringify(pullRequest ? pullRequestEvent : { ref: "refs/heads/main" }));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: pullRequest ? "pull_request" : "push",
      GITHUB_REPOSITORY: pullRequestEvent.repository.full_name,
      GITHUB_SHA: pullRequestEvent.pull_request.head.sha,
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_NUMBER: "7",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: options.githubApiUrl ?? "http://127.0.0.1:9",
      GITHUB_ACTION_PATH: fileURLToPath(new URL("../..", import.meta.url)),
      ...Object.fromEntries(
        Object.entries(options.inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
      ),
    };
    const { code, stdout, stderr } = await spawnNode([bundle], env, options.timeoutMs ?? 120_000);
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(files.output, "utf8")),
      summary: await readFile(files.summary, "utf8"),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnNode(args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The runner's GITHUB_OUTPUT format: `name<<DELIM` ... `DELIM` blocks, or `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end === -1) throw new Error(`GITHUB_OUTPUT: unterminated ${heredoc[1]}`);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}
