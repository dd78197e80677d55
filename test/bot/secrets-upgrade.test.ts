import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCipher, createStore, openLibsqlDatabase } from "@bridgeport/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bp1Envelope } from "../../core/src/crypto/test-fixtures.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// A data dir an older Bridgeport left: its secrets are bp1 envelopes, bound to no row. The bot
// starts on it, binds every value to its row once, and reads them all as before.
const key = randomBytes(32);
let dataDir: string;
let lab: BotLab | undefined;
let ids: { registry: string; server: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-bp1-"));
  const database = await openLibsqlDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  try {
    const store = createStore(database, { cipher: createCipher(key) });
    const environmentId = (await store.environments.create({ name: "production" })).id;
    const registry = await store.registries.create({
      environmentId,
      name: "harbor",
      type: "generic",
      registryUrl: "https://harbor.example.test",
      secrets: { username: "deploy", password: "harbor-password" },
    });
    const server = await store.servers.create({
      environmentId,
      name: "web-1",
      mode: "ssh",
      host: "127.0.0.2",
      username: "deploy",
      auth: { kind: "password", secret: "server-password" },
    });
    ids = { registry: registry.id, server: server.id };
    const secrets = JSON.stringify({ username: "deploy", password: "harbor-password" });
    await database.client.execute({
      sql: "UPDATE registry_credentials SET ciphertext = ? WHERE registry_connection_id = ?",
      args: [bp1Envelope(key, secrets), registry.id],
    });
    await database.client.execute({
      sql: "UPDATE servers SET secret_ciphertext = ? WHERE id = ?",
      args: [bp1Envelope(key, "server-password"), server.id],
    });
  } finally {
    await database.close();
  }
});
afterAll(async () => {
  await lab?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The envelope version of every stored secret, read from the file once the bot let go of it. */
async function envelopeVersions(): Promise<string[]> {
  const database = await openLibsqlDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  try {
    const { rows } = await database.client.execute(
      "SELECT ciphertext AS v FROM registry_credentials UNION ALL SELECT secret_ciphertext FROM servers",
    );
    return rows.map((row) => String(row.v).split(":")[0] ?? "");
  } finally {
    await database.close();
  }
}

describe("a bot started on a database with bp1 secrets", () => {
  it("upgrades them to bp2 at start and reads every secret as before", async () => {
    lab = await startBotLab({ BRIDGEPORT_DATA_DIR: dataDir, BRIDGEPORT_MASTER_KEY: key.toString("hex") });
    const { store } = lab.bot.deps;
    expect((await store.registries.getSecrets(ids.registry)).secrets).toEqual({
      username: "deploy",
      password: "harbor-password",
    });
    expect(await store.servers.getSecret(ids.server)).toEqual({
      kind: "password",
      secret: "server-password",
    });
    await lab.stop();
    lab = undefined;
    expect(await envelopeVersions()).toEqual(["bp2", "bp2"]);
  });
});
