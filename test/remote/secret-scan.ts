import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Reads every process's command line (and environment, where readable) over and over until
 * stopped, counting sightings of a secret: a password that reaches any argv on the machine,
 * even for a millisecond, has a good chance to be seen. Bounded by `maxRounds`. `witness` is
 * text in the argv of the process under watch (e.g. `--password-stdin`): seeing it proves the
 * scan was reading while that process ran, however slow a loaded machine made each round.
 */
export function scanProcessesFor(
  secret: string,
  options: { witness?: string; maxRounds?: number } = {},
): { stop(): Promise<ScanReport> } {
  const maxRounds = options.maxRounds ?? 100_000;
  let stopped = false;
  const report: ScanReport = { rounds: 0, processesSeen: 0, sightings: [], witnessed: 0 };
  const running = (async () => {
    while (!stopped && report.rounds < maxRounds) {
      report.rounds++;
      // All of a round's reads at once: read one by one, a round over a busy machine's
      // processes took longer than a whole docker login.
      const pids = (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry));
      report.processesSeen += pids.length;
      await Promise.all(
        pids.flatMap((pid) =>
          (["cmdline", "environ"] as const).map(async (file) => {
            const text = await readFile(`/proc/${pid}/${file}`, "latin1").catch(() => "");
            if (text.includes(secret))
              report.sightings.push(`${pid}/${file}: ${text.replaceAll("\0", " ").slice(0, 80)}`);
            if (file === "cmdline" && options.witness !== undefined && text.includes(options.witness))
              report.witnessed++;
          }),
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return report;
    },
  };
}

export interface ScanReport {
  rounds: number;
  processesSeen: number;
  sightings: string[];
  /** How many times the `witness` text was seen in a command line. */
  witnessed: number;
}

/** Paths of files under `dir` whose bytes contain any of `needles` (files over 64 MiB are skipped). */
export async function filesContaining(dir: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const patterns = needles.map((needle) => Buffer.from(needle));
  const walk = async (path: string, depth: number): Promise<void> => {
    if (depth > 30) return;
    for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full, depth + 1);
      else if (entry.isFile()) {
        const info = await stat(full).catch(() => null);
        if (info === null || info.size > 64 * 1024 * 1024) continue;
        const bytes = await readFile(full).catch(() => Buffer.alloc(0));
        if (patterns.some((pattern) => bytes.includes(pattern))) found.push(full);
      }
    }
  };
  await walk(dir, 0);
  return found;
}
