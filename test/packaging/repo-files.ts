import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The checkout the packaging files are read from (and the image is built from). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** A file of the checkout, by its path from the top, e.g. "deploy/compose.yaml". */
export function readRepoFile(path: string): Promise<string> {
  return readFile(new URL(path, `file://${repoRoot}`), "utf8");
}
