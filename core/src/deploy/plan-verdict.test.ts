import { describe, expect, it } from "vitest";
import type { PlanStep } from "./plan.js";
import { type PlanTally, planVerdict } from "./plan-verdict.js";

const step = (serverName: string): PlanStep => ({
  serviceId: `svc-${serverName}`,
  serviceName: "web",
  serverId: serverName,
  serverName,
  containerName: "web",
  fromDigest: null,
  toDigest: "sha256:1",
  level: 0,
  position: 0,
});
const restored = (
  server: string,
  changed: boolean,
  healthy: boolean,
  detail = "container web is healthy",
) => ({
  step: step(server),
  changed,
  healthy,
  detail,
});

describe("planVerdict", () => {
  it.each<[string, PlanTally, ReturnType<typeof planVerdict>]>([
    [
      "nothing failed",
      { failed: false, kept: 2, restored: [] },
      { status: "success", rollbackOutcome: null },
    ],
    [
      "a failure before anything changed (server unreachable)",
      { failed: true, kept: 0, restored: [] },
      { status: "failed", rollbackOutcome: null },
    ],
    [
      "the failing service put back, alone in its plan",
      { failed: true, kept: 0, restored: [restored("s1", true, true)] },
      { status: "rolled_back", rollbackOutcome: "restored 1 service(s) to their previous digest: web on s1" },
    ],
    [
      "the failing service and an earlier one put back",
      { failed: true, kept: 0, restored: [restored("s2", true, true), restored("s1", true, true)] },
      {
        status: "rolled_back",
        rollbackOutcome: "restored 2 service(s) to their previous digest: web on s2, web on s1",
      },
    ],
    [
      "without autoRollback, others kept the new digest",
      { failed: true, kept: 1, restored: [restored("s2", true, true)] },
      { status: "failed", rollbackOutcome: "restored 1 service(s) to their previous digest: web on s2" },
    ],
    [
      "cut off before changing anything, the service still healthy",
      { failed: true, kept: 0, restored: [restored("s1", false, true)] },
      { status: "failed", rollbackOutcome: null },
    ],
    [
      "a restored service that stays unhealthy",
      {
        failed: true,
        kept: 0,
        restored: [restored("s1", true, false, "HTTP 503"), restored("s2", true, true)],
      },
      {
        status: "rollback_failed",
        rollbackOutcome:
          "web on s1 restored but HTTP 503; restored 1 service(s) to their previous digest: web on s2",
      },
    ],
    [
      "a restore that could not even start",
      { failed: true, kept: 0, restored: [restored("s1", false, false, "connection refused")] },
      { status: "rollback_failed", rollbackOutcome: "web on s1: connection refused" },
    ],
  ])("%s", (_name, tally, verdict) => {
    expect(planVerdict(tally)).toEqual(verdict);
  });
});
