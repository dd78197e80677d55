import type { RecoveryReport } from "@bridgeport/core";
import { describe, expect, it } from "vitest";
import { startPlanRecovery } from "../../bot/src/jobs/plan-recovery.js";
import { waitUntil } from "../harness/index.js";

const report = (planId: string, action: RecoveryReport["action"]): RecoveryReport => ({
  planId,
  action,
  detail: "",
});

/** A recovery whose passes answer from a script, one entry per pass (the last one repeats). */
function scripted(passes: RecoveryReport[][]) {
  let calls = 0;
  return {
    calls: () => calls,
    recover: async () => passes[Math.min(calls++, passes.length - 1)] ?? [],
  };
}

describe("recovering plans after a restart", () => {
  it.each([
    { name: "nothing left", passes: [[]], calls: 1, resolved: [] },
    { name: "all resolved at once", passes: [[report("a", "rolled_back")]], calls: 1, resolved: ["a"] },
    {
      name: "a plan still leased by the dead run, resolved on the third pass",
      passes: [
        [report("a", "completed"), report("b", "busy")],
        [report("b", "busy")],
        [report("b", "rolled_back")],
      ],
      calls: 3,
      resolved: ["a", "b"],
    },
  ])("tries again while a plan is leased elsewhere: $name", async ({ passes, calls, resolved }) => {
    const script = scripted(passes);
    const seen: string[] = [];
    const recovery = startPlanRecovery({
      recover: script.recover,
      retryMs: 10,
      onReport: (r) => seen.push(r.planId),
      onError: (error) => {
        throw error;
      },
    });
    await recovery.firstPass;
    await waitUntil(() => seen.length === resolved.length, { what: "every plan resolved", timeoutMs: 5_000 });
    await recovery.stop();
    expect(seen).toEqual(resolved);
    expect(script.calls()).toBe(calls);
  });

  it("gives up after maxPasses on a plan that stays leased, and stop ends the retries at once", async () => {
    const forever = scripted([[report("b", "busy")]]);
    const givenUp: string[][] = [];
    const bounded = startPlanRecovery({
      recover: forever.recover,
      retryMs: 5,
      maxPasses: 4,
      onReport: () => {},
      onError: () => {},
      onGiveUp: (busy) => givenUp.push(busy.map((r) => r.planId)),
    });
    await waitUntil(() => givenUp.length > 0, { what: "recovery to give up", timeoutMs: 5_000 });
    await bounded.stop();
    expect(givenUp).toEqual([["b"]]);
    expect(forever.calls()).toBe(4);

    const stopped = scripted([[report("b", "busy")]]);
    const slow = startPlanRecovery({
      recover: stopped.recover,
      retryMs: 60_000,
      onReport: () => {},
      onError: () => {},
    });
    await slow.firstPass;
    const before = performance.now();
    await slow.stop();
    expect(performance.now() - before).toBeLessThan(1_000);
    expect(stopped.calls()).toBe(1);
  });
});
