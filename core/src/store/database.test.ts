import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openLibsqlDatabase } from "./database.js";

const EXPECTED_TABLES = [
  "api_tokens",
  "container_images",
  "dashboard_sessions",
  "deployment_history",
  "deployment_plans",
  "deployment_steps",
  "environments",
  "github_repositories",
  "image_digest_platforms",
  "image_digests",
  "jobs",
  "locks",
  "notification_channels",
  "notification_deliveries",
  "plan_events",
  "registry_connections",
  "registry_credentials",
  "registry_sync_health",
  "server_registry_logins",
  "servers",
  "service_dependencies",
  "services",
  "signature_verifications",
  "signing_key_events",
  "signing_keys",
  "webhook_deliveries",
];

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function tables(database: Awaited<ReturnType<typeof openLibsqlDatabase>>): Promise<string[]> {
  const result = await database.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
  );
  return result.rows.map((row) => String(row.name));
}

describe("openDatabase on libsql", () => {
  it("applies the migrations to a fresh file, in WAL mode with foreign keys on, readable by its owner only", async () => {
    dir = await mkdtemp(join(tmpdir(), "bp-db-"));
    // A directory that does not exist yet: openLibsqlDatabase creates it. The vitest working
    // directory is the repository root, not core/, so finding the migrations proves they are
    // resolved from the module.
    const file = join(dir, "nested", "bridgeport.db");
    const database = await openLibsqlDatabase({ url: `file:${file}` });
    try {
      expect(await tables(database)).toEqual(EXPECTED_TABLES);
      const pragma = async (name: string) => (await database.client.execute(`PRAGMA ${name}`)).rows[0]?.[0];
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("synchronous")).toBe(1); // NORMAL
      expect(await pragma("busy_timeout")).toBe(5000);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      database.close();
    }
  });

  it("applies each migration once: reopening an up-to-date file changes nothing", async () => {
    dir = await mkdtemp(join(tmpdir(), "bp-db-"));
    const url = `file:${join(dir, "bridgeport.db")}`;
    const first = await openLibsqlDatabase({ url });
    await first.client.execute(
      "INSERT INTO environments (id, name, created_at, updated_at) VALUES ('e1', 'kept', 0, 0)",
    );
    const applied = (await first.client.execute("SELECT count(*) AS n FROM __drizzle_migrations")).rows[0]?.n;
    first.close();

    const second = await openLibsqlDatabase({ url });
    try {
      const again = (await second.client.execute("SELECT count(*) AS n FROM __drizzle_migrations")).rows[0]
        ?.n;
      expect(again).toBe(applied);
      const kept = await second.client.execute("SELECT name FROM environments");
      expect(kept.rows.map((r) => r.name)).toEqual(["kept"]);
    } finally {
      second.close();
    }
  });

  it("opens an in-memory database with the whole schema", async () => {
    const database = await openLibsqlDatabase({ url: ":memory:" });
    try {
      expect(await tables(database)).toEqual(EXPECTED_TABLES);
    } finally {
      database.close();
    }
  });

  it("enforces foreign keys", async () => {
    const database = await openLibsqlDatabase({ url: ":memory:" });
    try {
      await expect(
        database.client.execute(
          "INSERT INTO servers (id, environment_id, name, mode, socket_path, created_at, updated_at) VALUES ('s', 'missing', 'x', 'socket', '/run/docker.sock', 0, 0)",
        ),
      ).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      database.close();
    }
  });

  it("checkpoints the WAL from its own thread: commits on the event loop leave the log small without doing it", async () => {
    dir = await mkdtemp(join(tmpdir(), "bp-db-"));
    const file = join(dir, "bridgeport.db");
    const database = await openLibsqlDatabase({ url: `file:${file}` });
    try {
      // The main connection's own checkpoint is a backstop far above SQLite's 1,000 pages.
      expect((await database.client.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0]).toBe(10_000);
      await database.checkpointing;
      // About 2,500 pages in 25 commits: with only the backstop the log would grow past 10 MB.
      await database.client.execute("CREATE TABLE filler (v TEXT NOT NULL)");
      const row = "x".repeat(4_000);
      for (let n = 0; n < 25; n++) {
        await database.client.batch(
          Array.from({ length: 100 }, (_, i) => ({
            sql: "INSERT INTO filler (v) VALUES (?)",
            args: [`${n}-${i}-${row}`],
          })),
          "write",
        );
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      expect((await stat(`${file}-wal`)).size).toBeLessThan(6 * 1024 * 1024);
      const count = await database.client.execute("SELECT count(*) AS n FROM filler");
      expect(count.rows[0]?.n).toBe(2_500);
    } finally {
      database.close();
    }
  });
});
