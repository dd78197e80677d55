export const WALKTHROUGH_KINDS = ["bot", "step", "cleanup"] as const;
export type WalkthroughKind = (typeof WALKTHROUGH_KINDS)[number];

export interface WalkthroughBlock {
  kind: WalkthroughKind;
  code: string;
  /** 1-based line of the marker in the Markdown, for failure messages. */
  line: number;
}

// The README marks each block the test runs with a comment on the line before its fence, so
// prose and example-only blocks (expected output, the SSH variant) are never run by accident.
const MARKED_BLOCK = /^<!-- walkthrough: ([a-z]+) -->\n```sh\n([\s\S]*?)^```$/gm;

/** The README's marked `sh` blocks, in document order. */
export function walkthroughBlocks(markdown: string): WalkthroughBlock[] {
  const blocks: WalkthroughBlock[] = [];
  for (const match of markdown.matchAll(MARKED_BLOCK)) {
    const [, kind = "", code = ""] = match;
    const line = markdown.slice(0, match.index).split("\n").length;
    if (!(WALKTHROUGH_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`README line ${line}: unknown walkthrough marker "${kind}"`);
    }
    blocks.push({ kind: kind as WalkthroughKind, code, line });
  }
  return blocks;
}

/**
 * Replaces `from` with `to`, insisting that `from` occurs exactly once: a value the README no
 * longer sets (or sets twice) fails loudly instead of running against the wrong machine.
 */
export function substituteOnce(script: string, from: string, to: string): string {
  const count = script.split(from).length - 1;
  if (count !== 1) throw new Error(`expected "${from}" once in the walkthrough, found it ${count} times`);
  return script.replace(from, () => to);
}

/** Where the walkthrough's steps point on a test machine instead of the README's fixed addresses. */
export interface WalkthroughTargets {
  botPort: number;
  registryPort: number;
  appPort: number;
  /** The Docker engine the steps' server and `docker` commands use. */
  dockerSocket: string;
}

/**
 * Every step block in order, as one script, with only what a reader substitutes replaced: the
 * addresses, which must be free ports and a private engine here.
 */
export function walkthroughSteps(blocks: readonly WalkthroughBlock[], to: WalkthroughTargets): string {
  let script = blocks
    .filter((block) => block.kind === "step")
    .map((block) => block.code)
    .join("\n");
  script = substituteOnce(script, "B=http://127.0.0.1:3000", `B=http://127.0.0.1:${to.botPort}`);
  script = substituteOnce(script, "REGISTRY=127.0.0.1:5001", `REGISTRY=127.0.0.1:${to.registryPort}`);
  script = substituteOnce(script, "DOCKER_SOCKET=/var/run/docker.sock", `DOCKER_SOCKET=${to.dockerSocket}`);
  return substituteOnce(script, "APP_PORT=8080", `APP_PORT=${to.appPort}`);
}

/** The shell variables (and function) the steps leave that the clean-up block and tests need. */
const STATE_VARS = "REGISTRY_PID WORK REGISTRY DOCKER_HOST B ENV REG IMG SRV SVC PLAN";

/**
 * A bash `trap` that saves the steps' state to `file` however they end, for the clean-up block
 * (`source file` first) and for a test's assertions.
 */
export function saveWalkthroughState(file: string): string {
  return `trap '{ declare -p ${STATE_VARS}; declare -f api; } > "${file}" 2>/dev/null' EXIT`;
}
