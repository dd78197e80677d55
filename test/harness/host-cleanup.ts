import { readdir, readFile } from "node:fs/promises";
import { runHostCommand } from "./host-command.js";

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
