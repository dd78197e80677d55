import { waitUntil } from "@bridgeport/test/harness";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdDatabase } from "../../bot/src/database-lock.js";
import { ADVISORY_LOCK_NAMESPACE } from "../../core/src/store/pg/advisory-locks.js";
import { testPostgresUrl } from "../../core/src/store/test-fixtures.js";

// A bot's hold on its PostgreSQL database is the `bots` advisory lock, SHARED, on a session of
// its own. When that session ends under it (here: the server terminates the backend, as a
// restart would), maintenance must not find the database free for longer than it takes the bot
// to take the lock again.
let admin: pg.Client;
let url: string;

/** The backends holding the `bots` lock shared, as pg_locks lists advisory locks with two int4 keys. */
const sharedHolders = async () =>
  (
    await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = 2 AND objsubid = 2 AND mode = 'ShareLock' AND granted",
      [ADVISORY_LOCK_NAMESPACE],
    )
  ).rows.map((row) => row.pid);

beforeAll(async () => {
  url = testPostgresUrl();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
});

describe("a bot's database lock on PostgreSQL", () => {
  it("is taken again after its session is terminated, and keeps maintenance out once more", async () => {
    const events: string[] = [];
    const held = await holdDatabase(
      url,
      { kind: "bot" },
      {
        onLost: (message) => events.push(`lost: ${message}`),
        onRetaken: () => events.push("retaken"),
        retakeEveryMs: 100,
      },
    );
    try {
      const [first] = await sharedHolders();
      expect(first).toBeTypeOf("number");
      await expect(holdDatabase(url, { kind: "maintenance", doing: "testing" })).rejects.toThrow(
        /A Bridgeport bot uses the PostgreSQL database .*: stop every bot \(each replica\) before testing/,
      );

      await admin.query("SELECT pg_terminate_backend($1)", [first]);
      await waitUntil(() => events.includes("retaken"), { what: "the lock taken again", timeoutMs: 10_000 });
      expect(events[0]).toMatch(/^lost: terminating connection due to administrator command/);
      const [second] = await sharedHolders();
      expect(second).toBeTypeOf("number");
      expect(second).not.toBe(first);
      await expect(holdDatabase(url, { kind: "maintenance", doing: "testing" })).rejects.toThrow(
        /stop every bot/,
      );
    } finally {
      await held.release();
    }
    // Released: the session ends, and maintenance may start.
    await waitUntil(async () => (await sharedHolders()).length === 0, {
      what: "the lock freed",
      timeoutMs: 5_000,
    });
    const maintenance = await holdDatabase(url, { kind: "maintenance", doing: "testing" });
    await maintenance.release();
  });
});
