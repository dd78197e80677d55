import { readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHostCommand } from "./host-command.js";
import { removeTempDir } from "./temp-dir.js";

/**
 * SIGKILLs every process whose command line mentions `marker` (a daemon's private temp dir).
 * Only needed when a daemon had to be killed: its containerd and shims would otherwise outlive it.
 */
export async function killProcessesMentioning(marker: string): Promise<number> {
  let killed = 0;
  for (const entry of await readdir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.includes(marker)) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed += 1;
    } catch {
      // Already gone between the read and the kill.
    }
  }
  return killed;
}

/** Lazily unmounts whatever is still mounted below `dir`, deepest first, so the dir can be removed. */
export async function unmountUnder(dir: string): Promise<void> {
  const mounts = await readFile("/proc/self/mounts", "utf8");
  const points = mounts
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((point): point is string => point?.startsWith(`${dir}/`) === true)
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    await runHostCommand(["umount", "-l", point]);
  }
}

const STALE_AFTER_MS = 10 * 60_000;

/**
 * Removes state dirs that earlier runs left behind when their worker was killed before teardown
 * (`bridgeport-test-<label>-*` whose daemon, named in `pidFile`, is gone). Young dirs are spared:
 * a parallel worker may be starting a daemon in one that has no pid file yet.
 */
export async function sweepStaleDirs(label: string, pidFile: string): Promise<void> {
  const prefix = `bridgeport-test-${label}-`;
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(prefix)) continue;
    const dir = join(tmpdir(), entry);
    const info = await stat(dir).catch(() => undefined);
    if (info === undefined || Date.now() - info.mtimeMs < STALE_AFTER_MS) continue;
    const pid = Number(await readFile(join(dir, pidFile), "utf8").catch(() => ""));
    if (Number.isInteger(pid) && pid > 0 && (await isProcessAlive(pid))) continue;
    // Best effort: a parallel worker may be sweeping the same dir right now.
    await killProcessesMentioning(dir)
      .then(() => unmountUnder(dir))
      .then(() => removeTempDir(dir))
      .catch(() => undefined);
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export async function isProcessAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // The state letter follows the parenthesised command name, which may itself contain spaces.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "" && state !== "Z";
}
