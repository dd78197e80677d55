import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";

const prefix = "bridgeport-test-";
const ownerFile = ".owner-pid";
// Old enough that no live run is still creating it: the owner file is written right after mkdtemp.
const abandonedAfterMs = 10 * 60_000;

/**
 * Creates a fresh directory under the OS temp dir, named `bridgeport-test-<label>-XXXXXX`.
 * With `markOwner`, it records this process's pid so {@link sweepAbandonedTempDirs} can tell
 * when a killed run left it behind.
 *
 * @example
 * const dir = await makeTempDir("registry", { markOwner: true });
 */
export async function makeTempDir(label: string, options: { markOwner?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}${label}-`));
  if (options.markOwner) await writeFile(join(dir, ownerFile), String(process.pid));
  return dir;
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes `bridgeport-test-<label>-*` dirs made with `markOwner` whose owning process is gone
 * (a run killed before its teardown). Their children died with the owner, so nothing uses them.
 * Best effort: returns how many were removed.
 *
 * @example
 * await sweepAbandonedTempDirs("registry");
 */
export async function sweepAbandonedTempDirs(label: string): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(`${prefix}${label}-`)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(await readFile(join(dir, ownerFile), "utf8").catch(() => ""));
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || isAlive(owner)) continue;
    const info = await stat(dir).catch(() => undefined);
    if (info === undefined || Date.now() - info.mtimeMs < abandonedAfterMs) continue;
    await removeTempDir(dir).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}
