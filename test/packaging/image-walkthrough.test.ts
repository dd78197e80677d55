import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, makeTempDir, removeTempDir, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  substituteOnce,
  type WalkthroughBlock,
  walkthroughBlocks,
} from "../bot/readme-walkthrough-blocks.js";
import { IMAGE, type ImageLab, startImageLab } from "./image-lab.js";
import { readRepoFile } from "./repo-files.js";

// README's "First deploy, step by step" with the bot in its container instead of `npm start`:
// the API steps run as written (as test/bot/readme-walkthrough.test.ts runs them), deploying to
// the lab's engine through its socket, mounted into the bot's container at the same path.
const README_TOKEN = "TOKEN=bp_r8gkrqOaugCDEQvv_cLymlhiFEf4bUmFUvrlC05tJKA";
const STATE_VARS = "REGISTRY_PID WORK REGISTRY DOCKER_HOST";

let lab: ImageLab;
let dir: string;
let blocks: WalkthroughBlock[];
const ports = { bot: 0, registry: 0, app: 0 };

beforeAll(async () => {
  blocks = walkthroughBlocks(await readRepoFile("README.md"));
  dir = await makeTempDir("image-walkthrough");
  for (const name of ["bot", "registry", "app"] as const) ports[name] = await freePort();
  lab = await startImageLab({ insecureRegistries: [`127.0.0.1:${ports.registry}`] });
}, 15 * 60_000);
afterAll(async () => {
  // A walkthrough that failed half-way leaves its registry running; the state file names it.
  const pid = Number((await readState().catch(() => ({}) as Record<string, string>)).REGISTRY_PID);
  if (pid > 0) process.kill(pid, "SIGTERM");
  await lab?.stop();
  if (dir) await removeTempDir(dir);
});

describe("the README walkthrough against the container", () => {
  it("takes a pushed image to the running service, by hand and then by itself", {
    timeout: 120_000,
  }, async () => {
    // Step 1, containerized: the webhook secret is where step 3 reads it, and in the bot's env.
    const secret = randomBytes(24).toString("hex");
    await mkdir(join(dir, ".data"));
    await writeFile(join(dir, ".data", "webhook-secret"), `${secret}\n`, { mode: 0o600 });
    await writeFile(join(dir, "bot.env"), `WEBHOOK_DISTRIBUTION_SECRET=${secret}\n`, { mode: 0o600 });
    const socket = lab.dockerd.socketPath;
    await lab.docker([
      "run",
      "-d",
      "--name",
      "bridgeport",
      "--network",
      "host",
      "-e",
      `PORT=${ports.bot}`,
      "--env-file",
      join(dir, "bot.env"),
      "-v",
      `${socket}:${socket}`,
      "--group-add",
      String(await lab.socketGroup()),
      "-v",
      "bridgeport-data:/data",
      IMAGE,
    ]);
    const token = await lab.bootstrapToken("bridgeport");
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${ports.bot}/readyz`)).ok, {
      what: "the bot's container to be ready",
      timeoutMs: 30_000,
    });

    let script = blocks
      .filter((b) => b.kind === "step")
      .map((b) => b.code)
      .join("\n");
    script = substituteOnce(script, README_TOKEN, `TOKEN=${token}`);
    script = substituteOnce(script, "B=http://127.0.0.1:3000", `B=http://127.0.0.1:${ports.bot}`);
    script = substituteOnce(script, "REGISTRY=127.0.0.1:5001", `REGISTRY=127.0.0.1:${ports.registry}`);
    script = substituteOnce(script, "DOCKER_SOCKET=/var/run/docker.sock", `DOCKER_SOCKET=${socket}`);
    script = substituteOnce(script, "APP_PORT=8080", `APP_PORT=${ports.app}`);
    const saveState = `trap 'declare -p ${STATE_VARS} > "${join(dir, "state.sh")}" 2>/dev/null' EXIT`;
    const lines = (await lab.shell(dir, "terminal-2", `${saveState}\n${script}`, 100_000))
      .trimEnd()
      .split("\n");

    expect(lines).toContain('{"environments":[]}');
    expect(lines).toContain('{"ok":true}');
    expect(lines).toContain("v1.0.0");
    expect(lines).toContain("v1.1.0");
    expect(lines.slice(-3)).toEqual([
      '{"tag":"v1.2.0","status":"success","deployedBy":"webhook:distribution"}',
      '{"tag":"v1.1.0","status":"success","deployedBy":"bootstrap"}',
      "v1.2.0",
    ]);
    // The engine's own view: the bot in its container replaced `web` with the pushed v1.2.0.
    const pushed = await lab.inspect(`127.0.0.1:${ports.registry}/demo/web:v1.2.0`, "image");
    expect((await lab.inspect("web")).Image).toBe(pushed.Id);

    const cleanup = blocks.find((b) => b.kind === "cleanup")?.code ?? "";
    await lab.shell(dir, "clean-up", `source "${join(dir, "state.sh")}"\n${cleanup}`, 20_000);
  });
});

async function readState(): Promise<Record<string, string>> {
  const text = await readFile(join(dir, "state.sh"), "utf8");
  return Object.fromEntries(
    [...text.matchAll(/^declare -[-a-z]+ ([A-Z_]+)="(.*)"$/gm)].map(([, k = "", v = ""]) => [k, v]),
  );
}
