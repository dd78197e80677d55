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
