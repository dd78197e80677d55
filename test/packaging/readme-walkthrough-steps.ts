import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { substituteOnce, walkthroughBlocks } from "../bot/readme-walkthrough-blocks.js";
import type { ImageLab } from "./image-lab.js";
import { readRepoFile } from "./repo-files.js";

// README's "First deploy, step by step" after its step 1: the API steps run as written, as
// test/bot/readme-walkthrough.test.ts runs them, against whatever bot listens on `ports.bot`.
const README_TOKEN = "TOKEN=bp_r8gkrqOaugCDEQvv_cLymlhiFEf4bUmFUvrlC05tJKA";
// Shell variables the steps leave behind for the clean-up block.
const STATE_VARS = "REGISTRY_PID WORK REGISTRY DOCKER_HOST";

export interface WalkthroughPorts {
  bot: number;
  /** Must be an insecure registry of the lab's engine. */
  registry: number;
  app: number;
}

export interface WalkthroughRun {
  /** What the steps printed on stdout, line by line. */
  lines: string[];
  /** Runs the clean-up block; stops the steps' registry even when they failed half-way. */
  cleanUp(): Promise<void>;
}

/**
 * Runs the walkthrough's steps in bash in `dir` (which must hold `.data/webhook-secret`, the
 * bot's WEBHOOK_DISTRIBUTION_SECRET, as step 1 leaves it), deploying to the lab's engine.
 */
export async function runWalkthroughSteps(
  lab: ImageLab,
  dir: string,
  token: string,
  ports: WalkthroughPorts,
): Promise<WalkthroughRun> {
  const blocks = walkthroughBlocks(await readRepoFile("README.md"));
  let script = blocks
    .filter((block) => block.kind === "step")
    .map((block) => block.code)
    .join("\n");
  script = substituteOnce(script, README_TOKEN, `TOKEN=${token}`);
  script = substituteOnce(script, "B=http://127.0.0.1:3000", `B=http://127.0.0.1:${ports.bot}`);
  script = substituteOnce(script, "REGISTRY=127.0.0.1:5001", `REGISTRY=127.0.0.1:${ports.registry}`);
  script = substituteOnce(
    script,
    "DOCKER_SOCKET=/var/run/docker.sock",
    `DOCKER_SOCKET=${lab.dockerd.socketPath}`,
  );
  script = substituteOnce(script, "APP_PORT=8080", `APP_PORT=${ports.app}`);
  const stateFile = join(dir, "walkthrough-state.sh");
  const saveState = `trap 'declare -p ${STATE_VARS} > "${stateFile}" 2>/dev/null' EXIT`;
  const cleanUp = async () => {
    const cleanup = blocks.find((block) => block.kind === "cleanup")?.code ?? "";
    const state = await readFile(stateFile, "utf8").catch(() => "");
    const pid = Number(/^declare -[-a-z]+ REGISTRY_PID="(\d+)"$/m.exec(state)?.[1]);
    try {
      await lab.shell(dir, "clean-up", `source "${stateFile}"\n${cleanup}`, 20_000);
    } finally {
      if (pid > 0) stopIfRunning(pid);
    }
  };
  try {
    const output = await lab.shell(dir, "walkthrough", `${saveState}\n${script}`, 100_000);
    return { lines: output.trimEnd().split("\n"), cleanUp };
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}

function stopIfRunning(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // The clean-up block stopped it already.
  }
}
