import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { openLibsqlDatabase } from "./database.js";

// 0011 rebuilds `servers` and `services` (a CHECK cannot be altered in SQLite). A database that
// already holds servers, services and the rows hanging off them must come through whole.

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));
const SWARM = "0011_swarm_targets";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A database file migrated up to the migration before 0011, with a server and two linked services. */
async function databaseBeforeSwarm(): Promise<{ url: string; client: Client }> {
  dir = await mkdtemp(join(tmpdir(), "bp-swarm-migration-"));
  const older = join(dir, "drizzle");
  await cp(MIGRATIONS, older, { recursive: true });
  const journalFile = join(older, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalFile, "utf8")) as { entries: { tag: string }[] };
  // 0011 and every migration after it: the database as it stood before 0011.
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === SWARM),
  );
  await writeFile(journalFile, JSON.stringify(journal));
  const url = `file:${join(dir, "bridgeport.db")}`;
  const client = createClient({ url });
  await client.execute("PRAGMA foreign_keys = ON");
  await migrate(drizzle({ client }), { migrationsFolder: older });
  await client.executeMultiple(`
    INSERT INTO environments (id, name, created_at, updated_at) VALUES ('e1', 'prod', 0, 0);
    INSERT INTO registry_connections (id, environment_id, name, type, registry_url, auth_changed_at, created_at, updated_at)
      VALUES ('r1', 'e1', 'hub', 'generic', 'https://registry.example.com', 0, 0, 0);
    INSERT INTO container_images (id, environment_id, name, image_name, registry_connection_id, created_at, updated_at)
      VALUES ('i1', 'e1', 'web', 'registry.example.com/web', 'r1', 0, 0);
    INSERT INTO servers (id, environment_id, name, mode, host, username, created_at, updated_at)
      VALUES ('s1', 'e1', 'app-1', 'ssh', '10.0.0.5', 'deploy', 0, 0);
    INSERT INTO server_registry_logins (server_id, registry_connection_id, credential_version, logged_in_at)
      VALUES ('s1', 'r1', 3, 0);
    INSERT INTO services (id, server_id, container_image_id, name, container_name, created_at, updated_at)
      VALUES ('a', 's1', 'i1', 'api', 'api', 0, 0), ('w', 's1', 'i1', 'web', 'web', 0, 0);
    INSERT INTO service_dependencies (service_id, depends_on_service_id) VALUES ('w', 'a');
  `);
  return { url, client };
}

async function rows(client: Client, sql: string): Promise<unknown[]> {
  return (await client.execute(sql)).rows.map((row) => ({ ...row }));
}

async function expectIntact(client: Client): Promise<void> {
  expect(await rows(client, "SELECT id, mode FROM servers")).toEqual([{ id: "s1", mode: "ssh" }]);
  expect(await rows(client, "SELECT id, kind FROM services ORDER BY id")).toEqual([
    { id: "a", kind: "container" },
    { id: "w", kind: "container" },
  ]);
  expect(await rows(client, "SELECT server_id, credential_version FROM server_registry_logins")).toEqual([
    { server_id: "s1", credential_version: 3 },
  ]);
  expect(await rows(client, "SELECT service_id, depends_on_service_id FROM service_dependencies")).toEqual([
    { service_id: "w", depends_on_service_id: "a" },
  ]);
  expect(await rows(client, "PRAGMA foreign_key_check")).toEqual([]);
}

describe(`migration ${SWARM}`, () => {
  it("keeps every server, service, login and dependency, and then takes Swarm managers and services", async () => {
    const before = await databaseBeforeSwarm();
    await expect(
      before.client.execute(
        "INSERT INTO servers (id, environment_id, name, mode, socket_path, created_at, updated_at) VALUES ('m', 'e1', 'mgr', 'swarm', '/run/docker.sock', 0, 0)",
      ),
    ).rejects.toThrow(/CHECK constraint failed: servers_mode_check/);
    before.client.close();

    const database = await openLibsqlDatabase({ url: before.url });
    try {
      const { client } = database;
      await expectIntact(client);
      expect((await client.execute("PRAGMA foreign_keys")).rows[0]?.[0]).toBe(1);
      await client.execute(
        "INSERT INTO servers (id, environment_id, name, mode, socket_path, created_at, updated_at) VALUES ('m', 'e1', 'mgr', 'swarm', '/run/docker.sock', 0, 0)",
      );
      await client.execute(
        "INSERT INTO services (id, server_id, container_image_id, name, container_name, kind, created_at, updated_at) VALUES ('sw', 'm', 'i1', 'web', 'web', 'swarm-service', 0, 0)",
      );
      // A Swarm manager names how it is reached.
      await expect(
        client.execute(
          "INSERT INTO servers (id, environment_id, name, mode, created_at, updated_at) VALUES ('x', 'e1', 'nowhere', 'swarm', 0, 0)",
        ),
      ).rejects.toThrow(/servers_swarm_target_check/);
      // The rebuilt tables' foreign keys still hold.
      await expect(client.execute("DELETE FROM servers WHERE id = 's1'")).rejects.toThrow(/FOREIGN KEY/);
      await client.execute("DELETE FROM services WHERE id = 'a'");
      expect(await rows(client, "SELECT * FROM service_dependencies")).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("loses nothing when its statements are run one by one outside a transaction, with foreign keys on", async () => {
    const { client } = await databaseBeforeSwarm();
    try {
      const sql = await readFile(join(MIGRATIONS, `${SWARM}.sql`), "utf8");
      for (const statement of sql.split("--> statement-breakpoint")) await client.execute(statement);
      await expectIntact(client);
      expect((await client.execute("PRAGMA foreign_keys")).rows[0]?.[0]).toBe(1);
    } finally {
      client.close();
    }
  });
});
