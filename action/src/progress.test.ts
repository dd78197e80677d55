import { describe, expect, it } from "vitest";
import type { PlanDetail } from "./plan-json.js";
import { progressPrinter } from "./progress.js";

const service = (status: "pending" | "running" | "success" | "rolled_back", error: string | null = null) => ({
  serviceId: "s1",
  service: "web",
  server: "server-1",
  fromDigest: null,
  toDigest: "sha256:1",
  status,
  health: null,
  durationMs: null,
  error,
});
const snapshot = (
  status: PlanDetail["plan"]["status"],
  services: ReturnType<typeof service>[],
): PlanDetail => ({
  plan: { id: "p1", status },
  result: {
    planId: "p1",
    status,
    dryRun: false,
    environment: "production",
    image: "r/app",
    digest: "sha256:1",
    tag: null,
    error: null,
    rollbackOutcome: null,
    signature: null,
    warnings: [],
    services,
  },
});

describe("progressPrinter", () => {
  it("prints one line per change, whether it came as an event or in a snapshot", () => {
    const lines: string[] = [];
    const progress = progressPrinter((line) => lines.push(line));
    progress.snapshot(snapshot("pending", [service("pending")]));
    progress.event({ type: "plan", planId: "p1", status: "running" });
    progress.event({
      type: "step",
      planId: "p1",
      serviceId: "s1",
      service: "web",
      server: "server-1",
      status: "running",
    });
    progress.snapshot(snapshot("running", [service("running")]));
    for (const attempt of [1, 2])
      progress.event({
        type: "health",
        planId: "p1",
        serviceId: "s1",
        service: "web",
        server: "server-1",
        phase: "deploy",
        attempt,
        of: 10,
        ok: false,
        detail: "HTTP 503 from\nhttp://127.0.0.1:8080/",
      });
    progress.event({
      type: "step",
      planId: "p1",
      serviceId: "s1",
      service: "web",
      server: "server-1",
      status: "failed",
      detail: "health check\nfailed 3 times",
    });
    progress.snapshot(snapshot("rolled_back", [service("rolled_back", "unhealthy: failed")]));
    expect(lines).toEqual([
      "plan p1: pending",
      "plan p1: running",
      "web on server-1: running",
      "web on server-1: health check 1/10 failed (HTTP 503 from http://127.0.0.1:8080/)",
      "web on server-1: health check 2/10 failed (HTTP 503 from http://127.0.0.1:8080/)",
      "web on server-1: failed (health check failed 3 times)",
      "web on server-1: rolled back (unhealthy: failed)",
      "plan p1: rolled back",
    ]);
  });
});
