import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";

const prefix = "bridgeport-test-";

/**
 * Creates a fresh directory under the OS temp dir, named `bridgeport-test-<label>-XXXXXX`.
 *
 * @example
 * const dir = await makeTempDir("registry");
 */
export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}${label}-`));
}

/**
 * Removes a directory made by {@link makeTempDir}. Refuses any other path, so a bad argument
 * can never delete something outside the temp dir.
 *
 * @example
 * await removeTempDir(dir);
 */
export async function removeTempDir(path: string): Promise<void> {
  const absolute = resolve(path);
  if (!absolute.startsWith(join(tmpdir(), prefix)) || absolute.includes(`${sep}..`)) {
    throw new Error(`refusing to remove ${absolute}: not a directory made by makeTempDir`);
  }
  await rm(absolute, { recursive: true, force: true, maxRetries: 3 });
}
