import { describe, expect, it } from "vitest";
import type { HealthCheckDefinition } from "../../store/index.js";
import { type HealthCheck, healthCheckSchema } from "./health-check-schema.js";

describe("healthCheckSchema", () => {
  it.each([
    {
      input: { kind: "docker" },
      parsed: { kind: "docker", timeoutMs: 5_000, intervalMs: 2_000, retries: 10 },
    },
    {
      input: { kind: "http", url: "https://10.0.0.5:8443/health?deep=1", retries: 3 },
      parsed: {
        kind: "http",
        url: "https://10.0.0.5:8443/health?deep=1",
        timeoutMs: 5_000,
        intervalMs: 2_000,
        retries: 3,
      },
    },
    {
      input: { kind: "tcp", port: 5432, timeoutMs: 100, intervalMs: 300_000 },
      parsed: {
        kind: "tcp",
        host: "127.0.0.1",
        port: 5432,
        timeoutMs: 100,
        intervalMs: 300_000,
        retries: 10,
      },
    },
    {
      input: { kind: "tcp", host: "db.internal", port: 1 },
      parsed: { kind: "tcp", host: "db.internal", port: 1, timeoutMs: 5_000, intervalMs: 2_000, retries: 10 },
    },
  ])("accepts $input with defaults filled in", ({ input, parsed }) => {
    expect(healthCheckSchema.parse(input)).toEqual(parsed);
  });

  it.each([
    { input: { kind: "ping" }, field: "kind" },
    { input: { kind: "http" }, field: "url" },
    { input: { kind: "http", url: "ftp://host/" }, field: "url" },
    { input: { kind: "http", url: "not a url" }, field: "url" },
    { input: { kind: "tcp" }, field: "port" },
    { input: { kind: "tcp", port: 0 }, field: "port" },
    { input: { kind: "tcp", port: 65_536 }, field: "port" },
    { input: { kind: "tcp", port: 80, host: "a b" }, field: "host" },
    { input: { kind: "tcp", port: 80, host: "-x" }, field: "host" },
    { input: { kind: "docker", timeoutMs: 99 }, field: "timeoutMs" },
    { input: { kind: "docker", timeoutMs: 60_001 }, field: "timeoutMs" },
    { input: { kind: "docker", intervalMs: 1.5 }, field: "intervalMs" },
    { input: { kind: "docker", retries: 0 }, field: "retries" },
    { input: { kind: "docker", retries: 101 }, field: "retries" },
    { input: { kind: "docker", url: "http://x/" }, field: "" },
  ])("refuses $input, naming $field", ({ input, field }) => {
    const result = healthCheckSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(field);
  });

  it("produces what the store keeps", () => {
    const check: HealthCheck = healthCheckSchema.parse({ kind: "tcp", port: 80 });
    const stored: HealthCheckDefinition = check;
    expect(stored).toBe(check);
  });
});
