import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  saveWalkthroughState,
  walkthroughBlocks,
  walkthroughSteps,
} from "../bot/readme-walkthrough-blocks.js";
import type { ImageLab } from "./image-lab.js";
import { readRepoFile } from "./repo-files.js";

// README's "First deploy, step by step" after its step 1: the API steps run as written, as
// test/bot/readme-walkthrough.test.ts runs them, against whatever bot listens on `ports.bot`.

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
 * Runs the walkthrough's steps in bash in `dir`, deploying to the lab's engine. `dir` must hold
 * what step 1 leaves: `.data/webhook-secret` and `.data/admin-token`, the bot's
 * WEBHOOK_DISTRIBUTION_SECRET and BRIDGEPORT_ADMIN_TOKEN.
 */
export async function runWalkthroughSteps(
  lab: ImageLab,
  dir: string,
  ports: WalkthroughPorts,
): Promise<WalkthroughRun> {
  const blocks = walkthroughBlocks(await readRepoFile("README.md"));
  const script = walkthroughSteps(blocks, {
    botPort: ports.bot,
    registryPort: ports.registry,
    appPort: ports.app,
    dockerSocket: lab.dockerd.socketPath,
  });
  const stateFile = join(dir, "walkthrough-state.sh");
  const saveState = saveWalkthroughState(stateFile);
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
