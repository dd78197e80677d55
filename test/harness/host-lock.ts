import { readFile, rm, writeFile } from "node:fs/promises";
import { isProcessAlive } from "./host-cleanup.js";
import { waitUntil } from "./process.js";

/**
 * Runs `fn` while holding a lock file, so parallel test workers do not run useradd or chpasswd
 * at the same time. A lock left by a dead process is taken over.
 */
export async function withHostLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await waitUntil(() => tryLock(path), { what: `lock ${path}`, timeoutMs, intervalMs: 25 });
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

/** Takes the lock file once, or reports it held (a lock whose process is gone is removed for the next try). */
export async function tryLock(path: string): Promise<true | undefined> {
  try {
    await writeFile(path, String(process.pid), { flag: "wx", mode: 0o600 });
    return true;
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const holder = Number(await readFile(path, "utf8").catch(() => ""));
  if (Number.isInteger(holder) && holder > 0 && !(await isProcessAlive(holder)))
    await rm(path, { force: true });
  return undefined;
}
