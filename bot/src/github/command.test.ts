import { describe, expect, it } from "vitest";
import { parseComment } from "./command.js";

const digest = `sha256:${"ab12".repeat(16)}`;

describe("parseComment", () => {
  it.each([
    [
      `/deploy ${digest}`,
      { kind: "deploy", ref: { digest }, environment: null, dryRun: false, force: false },
    ],
    [
      `/deploy ${digest} to production`,
      { kind: "deploy", ref: { digest }, environment: "production", dryRun: false, force: false },
    ],
    [
      `  /DEPLOY   ${digest}   TO   staging  `,
      { kind: "deploy", ref: { digest }, environment: "staging", dryRun: false, force: false },
    ],
    [
      `/deploy ${digest.toUpperCase().replace("SHA256", "sha256")}`,
      { kind: "deploy", ref: { digest }, environment: null, dryRun: false, force: false },
    ],
    [
      "/deploy v1.2.3",
      { kind: "deploy", ref: { tag: "v1.2.3" }, environment: null, dryRun: false, force: false },
    ],
    [
      "/deploy V1.2.3 to eu west",
      { kind: "deploy", ref: { tag: "V1.2.3" }, environment: "eu west", dryRun: false, force: false },
    ],
    [
      "/deploy plan v2.0.0",
      { kind: "deploy", ref: { tag: "v2.0.0" }, environment: null, dryRun: true, force: false },
    ],
    [
      `/Deploy Plan ${digest} to prod`,
      { kind: "deploy", ref: { digest }, environment: "prod", dryRun: true, force: false },
    ],
    [
      "/deploy v1.2.3 to production --force",
      { kind: "deploy", ref: { tag: "v1.2.3" }, environment: "production", dryRun: false, force: true },
    ],
    [
      `/deploy ${digest} --FORCE`,
      { kind: "deploy", ref: { digest }, environment: null, dryRun: false, force: true },
    ],
    ["/deploy help", { kind: "help" }],
    ["/Deploy   HELP", { kind: "help" }],
    ["/rollback", { kind: "rollback", environment: null }],
    ["/ROLLBACK to production", { kind: "rollback", environment: "production" }],
    ["/lock", { kind: "lock", reason: null }],
    ["/lock release  freeze until Monday", { kind: "lock", reason: "release freeze until Monday" }],
    ["/unlock", { kind: "unlock" }],
    [
      `/deploy v1.0.0\n\nrm -rf / on the second line is only text`,
      { kind: "deploy", ref: { tag: "v1.0.0" }, environment: null, dryRun: false, force: false },
    ],
  ])("%j is %j", (body, command) => {
    expect(parseComment(body)).toEqual({ ok: true, command });
  });

  it.each([
    ["/deploy", "needs a digest or a tag"],
    ["/deploy plan", "needs a digest or a tag"],
    [`/deploy sha256:${"a".repeat(63)}`, "exactly 64 hex characters"],
    [`/deploy sha256:${"a".repeat(65)}`, "exactly 64 hex characters"],
    [`/deploy sha256:${"g".repeat(64)}`, "exactly 64 hex characters"],
    [`/deploy ${digest};reboot`, "exactly 64 hex characters"],
    ["/deploy $(reboot)", "a tag is"],
    ["/deploy `id`", "a tag is"],
    ["/deploy v1|sh", "a tag is"],
    ["/deploy -rf", "a tag is"],
    ["/deploy v1 production", "as `to <environment>`"],
    ["/deploy v1 to", "as `to <environment>`"],
    ["/deploy v1 to prod;reboot", "an environment name is"],
    ["/deploy v1 to $(id)", "an environment name is"],
    ["/rollback production", "as `to <environment>`"],
    ["/unlock now", "takes no arguments"],
  ])("%j gets a usage reply: %s", (body, problem) => {
    const parsed = parseComment(body);
    expect(parsed?.ok).toBe(false);
    expect(parsed && !parsed.ok ? parsed.problem : "").toContain(problem);
  });

  it.each([
    "LGTM",
    "",
    "/approve",
    "/deployment v1",
    "/deployv1",
    "please /deploy v1",
    "> /deploy v1",
    "thanks!\n/deploy v1",
  ])("%j is not a command and is ignored", (body) => {
    expect(parseComment(body)).toBeNull();
  });

  it("cuts a lock reason at 200 characters", () => {
    const parsed = parseComment(`/lock ${"x".repeat(500)}`);
    expect(parsed).toEqual({ ok: true, command: { kind: "lock", reason: "x".repeat(200) } });
  });
});
