import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The checkout the packaging files are read from (and the image is built from). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** A file of the checkout, by its path from the top, e.g. "deploy/compose.yaml". */
export function readRepoFile(path: string): Promise<string> {
  return readFile(new URL(path, `file://${repoRoot}`), "utf8");
}

/**
 * The variables an env file names, set (`VAR=value`) or offered commented out (`#VAR=value`),
 * with whether each is set.
 */
export function envFileEntries(text: string): Map<string, { value: string; set: boolean }> {
  const entries = [...text.matchAll(/^(#?)([A-Z][A-Z0-9_]*)=(.*)$/gm)];
  return new Map(
    entries.map(([, hash, name = "", value = ""]) => [name, { value, set: hash === "" }] as const),
  );
}

/** Strings that look like a credential: a Bridgeport token, a PEM block, a long random-looking word. */
export function looksSecret(text: string): string[] {
  const candidates = /bp_[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]+-----|\b[A-Za-z0-9+/=_-]{32,}\b/g;
  return [...text.matchAll(candidates)].map(([match]) => match);
}

/**
 * The `sh` block after the comment `<!-- MARKER -->` in a Markdown text, e.g. README's
 * `<!-- run-it: docker -->`; fails when there is none or more than one.
 */
export function readmeBlock(markdown: string, marker: string): string {
  const blocks = [...markdown.matchAll(/^<!-- ([a-z:-]+(?: [a-z-]+)?) -->\n```sh\n([\s\S]*?)^```$/gm)].filter(
    ([, name]) => name === marker,
  );
  if (blocks.length !== 1)
    throw new Error(`expected one block marked <!-- ${marker} -->, found ${blocks.length}`);
  return blocks[0]?.[2] ?? "";
}
