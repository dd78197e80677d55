import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir, removeTempDir, runCommand } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { configSchema } from "../../bot/src/config.js";
import { envFileEntries, looksSecret, readRepoFile, repoRoot } from "./repo-files.js";

// deploy/compose.yaml as Debian's docker-compose 1.29 reads it, with deploy/.env.example as the
// reader's .env (the project directory is a temp dir, so the checkout gets no .env).
const Config = z.object({
  services: z.object({
    bridgeport: z.object({
      image: z.string(),
      environment: z.record(z.string(), z.string()).optional(),
      ports: z.array(z.string()),
      volumes: z.array(z.string()),
      restart: z.string(),
      read_only: z.boolean(),
    }),
  }),
  volumes: z.record(z.string(), z.unknown()),
});

let project: string;
beforeAll(async () => {
  project = await makeTempDir("compose-file");
});
afterAll(async () => {
  if (project) await removeTempDir(project);
});

async function composeConfig(env: string) {
  await writeFile(join(project, ".env"), env, { mode: 0o600 });
  const compose = ["-f", join(repoRoot, "deploy/compose.yaml"), "--project-directory", project];
  const { stdout } = await runCommand(["docker-compose", ...compose, "config"], { timeoutMs: 30_000 });
  return Config.parse(parse(stdout));
}

describe("the Compose file", () => {
  it("is valid: one bot, its volume at /data, on loopback, restarted unless stopped", async () => {
    const config = await composeConfig(await readRepoFile("deploy/.env.example"));
    expect(Object.keys(config.services)).toEqual(["bridgeport"]);
    expect(config.services.bridgeport).toMatchObject({
      image: "bridgeport:latest",
      ports: ["127.0.0.1:3000:3000/tcp"],
      volumes: ["bridgeport-data:/data:rw"],
      restart: "unless-stopped",
      read_only: true,
    });
    expect(Object.keys(config.volumes)).toEqual(["bridgeport-data"]);
  });

  it("takes every setting from .env, DATABASE_URL included", async () => {
    const config = await composeConfig(
      "DATABASE_URL=file:/data/elsewhere.db\nWEBHOOK_QUAY_TOKEN=a-quay-token-value\n",
    );
    expect(config.services.bridgeport.environment).toEqual({
      DATABASE_URL: "file:/data/elsewhere.db",
      WEBHOOK_QUAY_TOKEN: "a-quay-token-value",
    });
  });
});

describe("deploy/.env.example", async () => {
  const text = await readRepoFile("deploy/.env.example");
  const example = envFileEntries(text);
  const variables = Object.keys(configSchema.shape);

  it("names only variables the bot reads", () => {
    for (const name of example.keys()) expect(variables).toContain(name);
  });

  it.each(variables.filter((name) => /KEY|TOKEN|SECRET/.test(name)))("offers %s, with no value", (name) => {
    expect(example.get(name)).toEqual({ value: "", set: false });
  });

  it("sets nothing as it is: copied unchanged, the bot starts on its defaults", () => {
    expect([...example.values()].filter((entry) => entry.set)).toEqual([]);
  });

  it("and the Compose file hold nothing that looks like a credential", async () => {
    expect(looksSecret(text)).toEqual([]);
    expect(looksSecret(await readRepoFile("deploy/compose.yaml"))).toEqual([]);
  });
});
