import { describe, expect, it } from "vitest";
import { buildPlan, type PlanService } from "./plan.js";

const D = `sha256:${"b".repeat(64)}`;
const svc = (id: string, dependsOn: string[] = [], server = "server-1"): PlanService => ({
  id,
  name: id,
  serverId: server,
  serverName: server,
  containerName: id,
  deployedDigest: `sha256:${"a".repeat(64)}`,
  dependsOn,
});
const build = (services: PlanService[], parallel = false) =>
  buildPlan({
    containerImageId: "img",
    imageRef: "127.0.0.1:5000/app",
    toDigest: D,
    tag: "v2",
    autoRollback: true,
    parallel,
    force: false,
    services,
  });
const levelsOf = (r: ReturnType<typeof build>) =>
  r.ok ? r.plan.levels.map((l) => l.map((s) => s.serviceId)) : r.message;

describe("buildPlan", () => {
  it.each([
    ["independent services share one level", [svc("a"), svc("b")], [["a", "b"]]],
    [
      "a chain runs in order",
      [svc("api", ["db"]), svc("db"), svc("web", ["api"])],
      [["db"], ["api"], ["web"]],
    ],
    [
      "a diamond",
      [svc("d", ["b", "c"]), svc("b", ["a"]), svc("c", ["a"]), svc("a")],
      [["a"], ["b", "c"], ["d"]],
    ],
    ["dependencies outside the plan impose nothing", [svc("a", ["elsewhere"]), svc("b")], [["a", "b"]]],
    ["a self-dependency is ignored", [svc("a", ["a"])], [["a"]]],
  ])("%s", (_, services, expected) => {
    expect(levelsOf(build(services))).toEqual(expected);
  });

  it("refuses a cycle and names it", () => {
    const result = build([
      svc("api", ["worker"]),
      svc("worker", ["cache"]),
      svc("cache", ["api"]),
      svc("ok"),
    ]);
    expect(result).toMatchObject({ ok: false, reason: "cycle" });
    expect(result.ok ? "" : result.message).toBe(
      "Service dependencies form a cycle: api -> worker -> cache -> api",
    );
  });

  it("refuses an image with no services with the seed's message", () => {
    expect(build([])).toEqual({
      ok: false,
      reason: "no_services",
      message: "No services linked to this image",
    });
  });

  it("records from and to digests, levels and positions", () => {
    const result = build([svc("b", [], "server-2"), svc("a", [], "server-1")], true);
    if (!result.ok) throw new Error(result.message);
    expect(result.plan.parallel).toBe(true);
    expect(
      result.plan.levels[0]?.map((s) => [s.serverName, s.position, s.toDigest, s.fromDigest?.slice(0, 8)]),
    ).toEqual([
      ["server-1", 0, D, "sha256:a"],
      ["server-2", 1, D, "sha256:a"],
    ]);
  });
});
