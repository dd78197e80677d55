import { describe, expect, it } from "vitest";
import { formatDuration, renderPlanReport, shortDigest } from "./plan-report.js";
import type { PlanResult, ServiceResult } from "./plan-result.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const service = (over: Partial<ServiceResult> = {}): ServiceResult => ({
  serviceId: "s1",
  service: "web",
  server: "app-1",
  fromDigest: A,
  toDigest: B,
  status: "success",
  health: "healthy",
  durationMs: 4_200,
  error: null,
  ...over,
});
const result = (over: Partial<PlanResult> = {}): PlanResult => ({
  planId: "p1",
  status: "success",
  dryRun: false,
  environment: "production",
  image: "registry.example.com/team/web",
  digest: B,
  tag: "v2.0.0",
  error: null,
  rollbackOutcome: null,
  services: [service(), service({ serviceId: "s2", server: "app-2", fromDigest: null, durationMs: null })],
  signature: null,
  warnings: [],
  ...over,
});

describe("renderPlanReport", () => {
  it("renders a headline and one table row per service and server", () => {
    const report = renderPlanReport(result(), { planUrl: "https://bot.example.com/plans/p1" });
    expect(report).toContain(
      "### ✅ deployed: `registry.example.com/team/web@sha256:bbbbbbbbbbbb` (v2.0.0) to production",
    );
    expect(report).toContain("[plan p1](https://bot.example.com/plans/p1)");
    expect(report).toContain(
      "| web | app-1 | `sha256:aaaaaaaaaaaa` | `sha256:bbbbbbbbbbbb` | healthy | 4.2 s | ✅ success |",
    );
    expect(report).toContain("| web | app-2 | none | `sha256:bbbbbbbbbbbb` | healthy | — | ✅ success |");
  });

  it.each([
    [
      { status: "rolled_back", rollbackOutcome: "restored 2 service(s)" },
      ["↩️ rolled back", "**Rollback:** restored 2 service(s)"],
    ],
    [
      { status: "failed", error: "docker login failed: denied" },
      ["❌ failed", "**Error:** docker login failed: denied"],
    ],
    [{ status: "cancelled", dryRun: true }, ["📝 plan (dry run, nothing changed)"]],
    [{ services: [] }, ["_No services run this image in this environment._"]],
  ] as const)("%j shows %j", (over, expected) => {
    const report = renderPlanReport(result(over as Partial<PlanResult>));
    for (const text of expected) expect(report).toContain(text);
  });

  it("a service that already ran the digest reads 'already running'; a plan of only those says so", () => {
    const unchanged = service({ fromDigest: B, status: "unchanged", health: null, durationMs: 12 });
    const mixed = renderPlanReport(
      result({ services: [unchanged, service({ serviceId: "s2", server: "app-2" })] }),
    );
    expect(mixed).toContain("### ✅ deployed:");
    expect(mixed).toContain(
      "| web | app-1 | `sha256:bbbbbbbbbbbb` | `sha256:bbbbbbbbbbbb` | n/a | 12 ms | already running |",
    );
    const none = renderPlanReport(result({ services: [unchanged] }));
    expect(none).toContain("### ✅ already running: `registry.example.com/team/web@sha256:bbbbbbbbbbbb`");
  });

  it("a failed service shows its error; text from servers cannot break the table or mention people", () => {
    const report = renderPlanReport(
      result({
        services: [
          service({ status: "failed", health: "unhealthy", error: "unhealthy: exit 1 | @team\nsee [x](y)" }),
        ],
      }),
    );
    const row = report.split("\n").find((line) => line.startsWith("| web"));
    expect(row).toBe(
      "| web | app-1 | `sha256:aaaaaaaaaaaa` | `sha256:bbbbbbbbbbbb` | unhealthy | 4.2 s | ❌ failed: unhealthy: exit 1 \\| @\u200bteam see \\[x\\](y) |",
    );
  });
});

describe.each([
  [null, "—"],
  [850, "850 ms"],
  [12_340, "12.3 s"],
  [125_000, "2 min 5 s"],
])("formatDuration(%j)", (ms, text) => {
  it(`is ${text}`, () => expect(formatDuration(ms)).toBe(text));
});

it("shortDigest keeps sha256: and 12 hex characters", () => {
  expect(shortDigest(A)).toBe("sha256:aaaaaaaaaaaa");
});
