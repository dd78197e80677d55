import { readFile, rm, writeFile } from "node:fs/promises";
import {
  databaseFilePath,
  describeDatabaseUrl,
  isPostgresUrl,
  type SessionLock,
  trySessionLock,
} from "@bridgeport/core";
import { ConfigError } from "./config.js";

/** Who holds the database: a running bot, or maintenance that needs every bot stopped (`doing` says what it does). */
export type DatabaseUse = { kind: "bot" } | { kind: "maintenance"; doing: string };

export interface HeldDatabase {
  release(): Promise<void>;
}

/**
 * Holds the database at `url` for as long as a bot runs on it, or a maintenance command works
 * on it; a ConfigError, naming who is in the way and what to do, when that is not possible.
 *
 * - An embedded libsql file: its lock file (`lockDatabase`), one holder at a time.
 * - PostgreSQL, which has no lock file and where several bots (replicas) share one database:
 *   each bot holds the `bots` advisory lock SHARED on a session of its own, and maintenance
 *   takes it EXCLUSIVE, which fails while any bot runs and keeps bots from starting meanwhile.
 *   A process that dies loses its lock with its session. A bot whose session ends under it
 *   (the database restarted) takes the lock again as soon as the database answers.
 * - `:memory:`: nothing to hold.
 *
 * @example
 * const held = await holdDatabase(config.databaseUrl, { kind: "bot" });
 * // ...
 * await held.release();
 */
export async function holdDatabase(
  url: string,
  use: DatabaseUse,
  events: HoldEvents = {},
): Promise<HeldDatabase> {
  if (isPostgresUrl(url)) {
    const where = describeDatabaseUrl(url);
    const taking =
      use.kind === "bot" ? keepBotLock(url, events) : trySessionLock(url, "bots", { mode: "exclusive" });
    const held = await taking.catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Cannot reach the PostgreSQL database ${where}: ${reason}`);
    });
    if (held) return held;
    throw new ConfigError(
      use.kind === "bot"
        ? `Maintenance that needs every bot stopped (the master key rotation or migrate-to-postgres) is working on ${where}: start the bot once it has finished`
        : `A Bridgeport bot uses the PostgreSQL database ${where}: stop every bot (each replica) before ${use.doing}`,
    );
  }
  const file = databaseFilePath(url);
  if (file === undefined) return { release: async () => undefined };
  const lock = await lockDatabase(file);
  if (lock.ok) return lock;
  const unless = `(if no process ${lock.holder} runs, delete ${lock.path})`;
  throw new ConfigError(
    use.kind === "bot"
      ? `Another Bridgeport bot (PID ${lock.holder}) uses ${file}: stop it first, or give this one its own BRIDGEPORT_DATA_DIR or DATABASE_URL ${unless}`
      : `A Bridgeport bot (PID ${lock.holder}) uses ${file}: stop it before ${use.doing} ${unless}`,
  );
}

export interface HoldEvents {
  /** PostgreSQL: the session holding a bot's lock ended under it (the lock is gone meanwhile). */
  onLost?: (message: string) => void;
  /** PostgreSQL: the bot holds its lock again after losing it. */
  onRetaken?: () => void;
  /** Between tries to take a lost lock again (default 2 s). */
  retakeEveryMs?: number;
}

/**
 * A bot's SHARED `bots` lock, taken again whenever its session ends: while it is gone,
 * maintenance could start beside the running bot. Undefined when maintenance holds it now.
 */
async function keepBotLock(url: string, events: HoldEvents): Promise<HeldDatabase | undefined> {
  const everyMs = events.retakeEveryMs ?? 2_000;
  let current: SessionLock | undefined;
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const take = async () => {
    const held: SessionLock | undefined = await trySessionLock(url, "bots", {
      mode: "shared",
      // Only the session in use counts: an old one's late errors change nothing.
      onLost: (message) => {
        if (released || held === undefined || held !== current) return;
        current = undefined;
        events.onLost?.(message);
        retake();
      },
    });
    return held;
  };
  const retake = () => {
    timer = setTimeout(async () => {
      const held = await take().catch(() => undefined);
      if (released) await held?.release();
      else if (held) {
        current = held;
        events.onRetaken?.();
      } else retake();
    }, everyMs);
    timer.unref();
  };
  current = await take();
  if (!current) return undefined;
  return {
    async release() {
      released = true;
      clearTimeout(timer);
      await current?.release();
    },
  };
}

export type DatabaseLock =
  | { ok: true; release(): Promise<void> }
  | { ok: false /** The PID in the lock file. */; holder: number; path: string };

/** Lock files this process holds: a second bot in one process is refused like one in another. */
const heldHere = new Set<string>();

/**
 * Takes `<database file>.lock`, created exclusively with this process's PID in it, for as long
 * as a bot (or the master key rotation) works on the database. A lock whose process is gone is
 * stale and taken over; so is one with this process's own PID that this process never took (a
 * container restarted with the same PID). The PID is only meaningful on this machine and in
 * this PID namespace: bots in two containers sharing one volume do not see each other. Two
 * bots started in the same instant may both judge a lock stale; that window is milliseconds.
 *
 * @example
 * const lock = await lockDatabase("/var/lib/bridgeport/bridgeport.db");
 * if (!lock.ok) throw new Error(`held by PID ${lock.holder}`);
 * // ...
 * await lock.release();
 */
export async function lockDatabase(databaseFile: string): Promise<DatabaseLock> {
  const path = `${databaseFile}.lock`;
  const pid = process.pid;
  // Twice at most: once, and once more after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${pid}\n`, { flag: "wx", mode: 0o600 });
      heldHere.add(path);
      return {
        ok: true,
        async release() {
          heldHere.delete(path);
          if ((await holderOf(path)) === pid) await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await holderOf(path);
    const live = holder !== undefined && (holder === pid ? heldHere.has(path) : isAlive(holder));
    if (live) return { ok: false, holder, path };
    await rm(path, { force: true });
  }
  // Another process took the stale lock between our removing it and trying again.
  return { ok: false, holder: (await holderOf(path)) ?? 0, path };
}

async function holderOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
