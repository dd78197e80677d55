import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  freePort,
  type ManagedProcess,
  makeTempDir,
  removeTempDir,
  startProcess,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";
import { dockerApi } from "../harness/host-docker-api.js";
import { substituteOnce, type WalkthroughBlock, walkthroughBlocks } from "./readme-walkthrough-blocks.js";

// README.md's "First deploy, step by step", run the way a reader runs it: the bot block in one
// bash (terminal 1), every step block in order in another (terminal 2), then the clean-up. Only
// what a reader substitutes is replaced: the token the bot printed, and the addresses that must
// be free ports and a private Docker engine here. `npm start` becomes the command it ends in
// (setup.sh is not run: it may install packages, and this tree is shared).
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const README_TOKEN = "TOKEN=bp_r8gkrqOaugCDEQvv_cLymlhiFEf4bUmFUvrlC05tJKA";
// Shell variables the steps leave behind: the clean-up block needs some, the assertions others.
const STATE_VARS = "REGISTRY_PID WORK REGISTRY DOCKER_HOST ENV IMG SRV SVC PLAN";

let dir: string;
let dockerd: Dockerd;
let bot: ManagedProcess;
let blocks: WalkthroughBlock[];
const ports = { bot: 0, registry: 0, app: 0 };

beforeAll(async () => {
  blocks = walkthroughBlocks(await readFile(join(repoRoot, "README.md"), "utf8"));
  dir = await makeTempDir("readme-walk");
  for (const name of ["bot", "registry", "app"] as const) ports[name] = await freePort();
  dockerd = await startDockerd({ insecureRegistries: [`127.0.0.1:${ports.registry}`] });
});
afterAll(async () => {
  await bot?.stop();
  // A walkthrough that failed half-way leaves its registry running; the state file names it.
  const pid = (await readState().catch(() => ({}) as Record<string, string>)).REGISTRY_PID;
  if (pid && isAlive(Number(pid))) process.kill(Number(pid), "SIGTERM");
  await dockerd?.stop();
  if (dir) await removeTempDir(dir);
});

describe("the README walkthrough", () => {
  it("marks a bot block first, then the steps, then a clean-up", () => {
    const kinds = blocks.map((b) => b.kind);
    expect(kinds[0]).toBe("bot");
    expect(kinds.at(-1)).toBe("cleanup");
    expect(new Set(kinds.slice(1, -1))).toEqual(new Set(["step"]));
  });

  it("takes a pushed image to the running service, by hand and then by itself", {
    timeout: 60_000,
  }, async () => {
    const token = await startReadersBot();
    const steps = blocks.filter((b) => b.kind === "step").map((b) => b.code);
    let script = steps.join("\n");
    script = substituteOnce(script, README_TOKEN, `TOKEN=${token}`);
    script = substituteOnce(script, "B=http://127.0.0.1:3000", `B=http://127.0.0.1:${ports.bot}`);
    script = substituteOnce(script, "REGISTRY=127.0.0.1:5001", `REGISTRY=127.0.0.1:${ports.registry}`);
    script = substituteOnce(
      script,
      "DOCKER_SOCKET=/var/run/docker.sock",
      `DOCKER_SOCKET=${dockerd.socketPath}`,
    );
    script = substituteOnce(script, "APP_PORT=8080", `APP_PORT=${ports.app}`);
    // Whatever happens, the variables are saved for the assertions, the clean-up and afterAll.
    const saveState = `trap 'declare -p ${STATE_VARS} > "${join(dir, "state.sh")}" 2>/dev/null' EXIT`;
    const out = await runBash("terminal 2", `set -euo pipefail\n${saveState}\n${script}`, 50_000);
    const lines = out.trimEnd().split("\n");
    const state = await readState();

    // What the README says each step prints (on stdout; stderr has docker's chatter).
    expect(lines).toContain('{"environments":[]}');
    expect(lines).toContain('{"ok":true}');
    expect(lines).toContain("v1.0.0");
    expect(lines).toContain(`{"type":"plan","planId":"${state.PLAN}","status":"success"}`);
    expect(lines).toContain("v1.1.0");
    expect(lines.slice(-3)).toEqual([
      '{"tag":"v1.2.0","status":"success","deployedBy":"webhook:distribution"}',
      '{"tag":"v1.1.0","status":"success","deployedBy":"bootstrap"}',
      "v1.2.0",
    ]);

    // The engine's own view: the container runs the digest the registry gave the v1.2.0 push.
    const pushed = await engine(`/images/${state.REGISTRY}/demo/web:v1.2.0/json`);
    const pushedDigest = String(pushed.RepoDigests?.[0] ?? "").split("@")[1];
    expect(pushedDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const web = await engine("/containers/web/json");
    expect(web.State?.Running).toBe(true);
    expect(web.Image).toBe(pushed.Id);
    expect(web.HostConfig?.Init).toBe(true);

    // The bot's view: the last plan succeeded, was started by the push, and recorded that digest.
    const api = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${ports.bot}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    const { history } = (await api(`/api/container-images/${state.IMG}/history`)) as {
      history: { planId: string; digest: string; status: string; tag: string }[];
    };
    expect(history[0]).toMatchObject({ tag: "v1.2.0", digest: pushedDigest, status: "success" });
    const detail = (await api(`/api/deployment-plans/${history[0]?.planId}`)) as {
      plan: { status: string; trigger: string; targetDigest: string };
    };
    expect(detail.plan).toMatchObject({ status: "success", trigger: "webhook", targetDigest: pushedDigest });

    // The clean-up block, in a new shell with the variables the steps left.
    const cleanup = blocks.find((b) => b.kind === "cleanup")?.code ?? "";
    await runBash("clean-up", `set -euo pipefail\nsource "${join(dir, "state.sh")}"\n${cleanup}`, 20_000);
    expect((await dockerApi(dockerd.socketPath, "GET", "/containers/web/json")).status).toBe(404);
    await waitUntil(() => !isAlive(Number(state.REGISTRY_PID)), {
      what: "the registry to stop",
      timeoutMs: 5_000,
    });
  });
});

/** Terminal 1: the bot block as written, but ending in the bot itself; returns the token it printed. */
async function startReadersBot(): Promise<string> {
  const botBlock = blocks.find((b) => b.kind === "bot")?.code ?? "";
  const tsx = JSON.parse(await readFile(join(repoRoot, "node_modules/tsx/package.json"), "utf8")) as {
    exports: { ".": string };
  };
  const loader = pathToFileURL(join(repoRoot, "node_modules/tsx", tsx.exports["."])).href;
  const serverEntry = join(repoRoot, "bot/src/server.ts");
  const script = substituteOnce(botBlock, "npm start", `exec node --import ${loader} ${serverEntry}`);
  const file = join(dir, "terminal-1.sh");
  await writeFile(file, script, { mode: 0o600 });
  bot = startProcess({
    name: "bot (README step 1)",
    argv: ["bash", file],
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, PORT: String(ports.bot) },
  });
  const listening = '"msg":"bridgeport listening"';
  // Not waitUntil's own timeout error: it would quote the output, token included.
  await waitUntil(() => bot.exitStatus() !== null || bot.output().includes(listening), {
    what: "the bot to listen or exit",
    timeoutMs: 30_000,
  }).catch(() => undefined);
  // Its stderr is no terminal here, so the bot leaves the token in .data/bootstrap-token (README step 1).
  const written = await readFile(join(dir, ".data", "bootstrap-token"), "utf8").catch(() => "");
  const token = /^(bp_[A-Za-z0-9_-]+)$/m.exec(written)?.[1];
  if (!bot.output().includes(listening) || !token) {
    throw new Error(`the bot did not start and print a token:\n${redacted(bot.output())}`);
  }
  return token;
}

/**
 * Runs a script file with bash in the walkthrough's directory (0600: it holds the token) and
 * returns its stdout; stderr goes to a file beside it, shown with any failure.
 */
async function runBash(name: string, script: string, timeoutMs: number): Promise<string> {
  const file = join(dir, `${name.replace(/\W+/g, "-")}.sh`);
  const stderr = `${file}.stderr`;
  await writeFile(file, `exec 2>"${stderr}"\n${script}`, { mode: 0o600 });
  const child = startProcess({
    name,
    argv: ["bash", file],
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      TMPDIR: dir,
      DOCKER_CONFIG: join(dir, "docker-config"),
    },
    outputLimitBytes: 1 << 20,
  });
  const timer = setTimeout(() => void child.stop({ graceMs: 1_000 }), timeoutMs);
  const exit = await child.exited.finally(() => clearTimeout(timer));
  if (exit.code !== 0) {
    const errors = await readFile(stderr, "utf8").catch(() => "");
    throw new Error(
      `${name} exited with ${exit.code ?? exit.signal}:\n${child.output()}\n--- stderr ---\n${errors}\n--- bot ---\n${redacted(bot.output())}`,
    );
  }
  return child.output();
}

async function readState(): Promise<Record<string, string>> {
  const text = await readFile(join(dir, "state.sh"), "utf8");
  return Object.fromEntries(
    [...text.matchAll(/^declare -[-a-z]+ ([A-Z_]+)="(.*)"$/gm)].map(([, k = "", v = ""]) => [k, v]),
  );
}

async function engine(path: string): Promise<{
  Id?: string;
  Image?: string;
  RepoDigests?: string[];
  State?: { Running?: boolean };
  HostConfig?: { Init?: boolean };
}> {
  const res = await dockerApi(dockerd.socketPath, "GET", path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

/** The bot's output without the token it printed: failure messages carry no secret. */
function redacted(output: string): string {
  return output.replace(/bp_[A-Za-z0-9_-]+/g, "bp_<redacted>");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
