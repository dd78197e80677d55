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
import {
  saveWalkthroughState,
  substituteOnce,
  type WalkthroughBlock,
  walkthroughBlocks,
  walkthroughSteps,
} from "./readme-walkthrough-blocks.js";

// README.md's "First deploy, step by step", run the way a reader runs it: the bot block in one
// bash (terminal 1), every step block in order in another (terminal 2), then the clean-up. Only
// what a reader substitutes is replaced: the addresses that must be free ports and a private
// Docker engine here. `npm start` becomes the command it ends in (setup.sh is not run: it may
// install packages, and this tree is shared). A reader may have run the quick start first, and
// may walk through twice: both happen here, on one data dir.
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
// Shell variables the steps leave behind: the clean-up block needs some, the assertions others.
const LISTENING = '"msg":"bridgeport listening"';

let dir: string;
let dockerd: Dockerd;
let bot: ManagedProcess | undefined;
let blocks: WalkthroughBlock[];
let firstRun: Walked | undefined;
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

  it("starts where the quick start left off: a plain `npm start` made the data dir", {
    timeout: 40_000,
  }, async () => {
    bot = await startTerminal1("quick start", `exec ${await serverCommand()}`);
    await bot.stop();
  });

  it("takes a pushed image to the running service, by hand and then by itself", {
    timeout: 90_000,
  }, async () => {
    firstRun = await walkThrough();
    expect(firstRun.lines).toContain('{"environments":[]}');
  });

  it("runs as written a second time, on the same data dir, in the same environment", {
    timeout: 90_000,
  }, async () => {
    const second = await walkThrough();
    expect(second.state.ENV).toBe(firstRun?.state.ENV);
    expect(second.state.IMG).not.toBe(firstRun?.state.IMG);
    expect(second.lines).toContainEqual(
      expect.stringContaining(`"id":"${second.state.ENV}","name":"staging"`),
    );
  });
});

interface Walked {
  /** What terminal 2 printed on stdout, line by line. */
  lines: string[];
  /** The shell variables the steps left (saveWalkthroughState). */
  state: Record<string, string>;
}

/** The bot block, every step, the assertions on what they did, the clean-up, then Ctrl-C. */
async function walkThrough(): Promise<Walked> {
  try {
    const token = await startReadersBot();
    const script = walkthroughSteps(blocks, {
      botPort: ports.bot,
      registryPort: ports.registry,
      appPort: ports.app,
      dockerSocket: dockerd.socketPath,
    });
    // Whatever happens, the variables (and the api helper) are saved for the assertions, the
    // clean-up and afterAll.
    const stateFile = join(dir, "state.sh");
    const saveState = saveWalkthroughState(stateFile);
    const out = await runBash("terminal 2", `set -euo pipefail\n${saveState}\n${script}`, 75_000);
    const lines = out.trimEnd().split("\n");
    const state = await readState();

    // What the README says each step prints (on stdout; stderr has docker's chatter).
    expect(lines).toContain('{"ok":true}');
    expect(lines).toContain("v1.0.0");
    expect(lines).toContain(`{"type":"plan","planId":"${state.PLAN}","status":"success"}`);
    expect(lines).toContain("v1.1.0");
    expect(lines.slice(-3)).toEqual([
      '{"tag":"v1.2.0","status":"success","deployedBy":"webhook:distribution"}',
      '{"tag":"v1.1.0","status":"success","deployedBy":"admin"}',
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
    await runBash("clean-up", `set -euo pipefail\nsource "${stateFile}"\n${cleanup}`, 20_000);
    expect((await dockerApi(dockerd.socketPath, "GET", "/containers/web/json")).status).toBe(404);
    await waitUntil(() => !isAlive(Number(state.REGISTRY_PID)), {
      what: "the registry to stop",
      timeoutMs: 5_000,
    });
    // The bot keeps only the environment: the next walk through creates the rest again.
    for (const kind of ["registries", "container-images", "servers"] as const) {
      const listed = await api(`/api/environments/${state.ENV}/${kind}`);
      expect(Object.values(listed)).toEqual([[]]);
    }
    return { lines, state };
  } finally {
    await bot?.stop();
  }
}

/**
 * Terminal 1: the bot block as written, but ending in the bot itself; returns the admin token
 * it starts the bot with (read from the file the block writes it to).
 */
async function startReadersBot(): Promise<string> {
  const botBlock = blocks.find((b) => b.kind === "bot")?.code ?? "";
  bot = await startTerminal1(
    "bot (README step 1)",
    substituteOnce(botBlock, "npm start", `exec ${await serverCommand()}`),
  );
  const token = (await readFile(join(dir, ".data", "admin-token"), "utf8").catch(() => "")).trim();
  if (token.length < 32) throw new Error("the bot block left no admin token in .data/admin-token");
  return token;
}

/** What `npm start` ends in, without setup.sh: the bot's entry point under tsx. */
async function serverCommand(): Promise<string> {
  const tsx = JSON.parse(await readFile(join(repoRoot, "node_modules/tsx/package.json"), "utf8")) as {
    exports: { ".": string };
  };
  const loader = pathToFileURL(join(repoRoot, "node_modules/tsx", tsx.exports["."])).href;
  return `node --import ${loader} ${join(repoRoot, "bot/src/server.ts")}`;
}

/** Runs `script` in bash in the walkthrough's directory (the clone) until the bot listens. */
async function startTerminal1(name: string, script: string): Promise<ManagedProcess> {
  const file = join(dir, `${name.replace(/\W+/g, "-")}.sh`);
  await writeFile(file, script, { mode: 0o600 });
  const child = startProcess({
    name,
    argv: ["bash", file],
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, PORT: String(ports.bot) },
  });
  // Not waitUntil's own timeout error: it would quote the output, a printed token included.
  await waitUntil(() => child.exitStatus() !== null || child.output().includes(LISTENING), {
    what: "the bot to listen or exit",
    timeoutMs: 30_000,
  }).catch(() => undefined);
  if (!child.output().includes(LISTENING)) {
    await child.stop();
    throw new Error(`${name}: the bot did not start:\n${redacted(child.output())}`);
  }
  return child;
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
      `${name} exited with ${exit.code ?? exit.signal}:\n${child.output()}\n--- stderr ---\n${errors}\n--- bot ---\n${redacted(bot?.output() ?? "")}`,
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

/** The bot's output without a token it printed: failure messages carry no secret. */
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
