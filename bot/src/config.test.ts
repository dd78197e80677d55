import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("fills in every default", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: "127.0.0.1",
      SCHEDULER_UPDATE_CHECK_INTERVAL: 1800,
      REGISTRY_MAX_TAGS: 50,
    });
    expect(config.databaseUrl).toMatch(/^file:.*\.data\/bridgeport\.db$/);
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [
      { SCHEDULER_UPDATE_CHECK_INTERVAL: "5" },
      "SCHEDULER_UPDATE_CHECK_INTERVAL: SCHEDULER_UPDATE_CHECK_INTERVAL must be at least 10",
    ],
    [{ DATABASE_URL: "mysql://db.internal/bridgeport" }, "DATABASE_URL: must be a file: URL"],
    [{ DATABASE_URL: "postgres://bot:hunter2-secret@" }, "DATABASE_URL: must be a file: URL"],
    [{ DATABASE_POOL_SIZE: "0" }, "DATABASE_POOL_SIZE: DATABASE_POOL_SIZE must be at least 1"],
    [
      { BRIDGEPORT_ADMIN_TOKEN: "short-secret-value" },
      "BRIDGEPORT_ADMIN_TOKEN: must be at least 32 characters",
    ],
    [{ WEBHOOK_GITHUB_SECRET: "tiny" }, "WEBHOOK_GITHUB_SECRET"],
  ])("names the variable for %j", (env, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expected);
  });

  it("never echoes a value", () => {
    try {
      loadConfig({ BRIDGEPORT_ADMIN_TOKEN: "my-short-secret" });
    } catch (error) {
      expect(String(error)).not.toContain("my-short-secret");
    }
  });

  it.each(["postgres", "postgresql"])(
    "takes a %s:// DATABASE_URL, with a pool of 10 by default",
    (scheme) => {
      const url = `${scheme}://bot:s3cret-password@db.internal:5432/bridgeport?sslmode=require`;
      expect(loadConfig({ DATABASE_URL: url })).toMatchObject({ databaseUrl: url, DATABASE_POOL_SIZE: 10 });
      expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: "25" }).DATABASE_POOL_SIZE).toBe(25);
    },
  );

  it("refuses a PostgreSQL URL it cannot read without echoing its password", () => {
    const attempt = () => loadConfig({ DATABASE_URL: "postgres://bot:hunter2-secret@" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(/hunter2/);
  });
});
