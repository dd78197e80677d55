import { shortDigest } from "@bridgeport/core/plan-report";
import type { PlanDetail, PlanEvent } from "./plan-json.js";

/**
 * Turns plan events and plan snapshots into one log line per change: a service reaching a new
 * status, or the plan doing so. Events and snapshots may repeat each other (the stream starts with
 * a snapshot; polling only has snapshots), so a line is printed only when something changed.
 */
export function progressPrinter(print: (line: string) => void) {
  const seen = new Map<string, string>();
  const report = (key: string, status: string, line: string) => {
    if (seen.get(key) === status) return;
    seen.set(key, status);
    print(line);
  };
  const service = (name: string, server: string, status: string, detail?: string | null) =>
    `${name} on ${server}: ${status.replace("_", " ")}${detail ? ` (${oneLine(detail)})` : ""}`;
  return {
    /** A line about the Action itself (not a plan change). */
    note(text: string) {
      print(text);
    },
    event(event: PlanEvent) {
      if (event.type === "plan") {
        report("plan", event.status, `plan ${event.planId}: ${event.status.replace("_", " ")}`);
      } else if (event.type === "health") {
        // A failed attempt is news while the check waits; a passing one, the step's next line tells.
        if (event.ok) return;
        const check = event.phase === "restore" ? "restored, health check" : "health check";
        report(
          `${event.serviceId}:${event.phase}:${event.attempt}`,
          "failed",
          service(event.service, event.server, `${check} ${event.attempt}/${event.of} failed`, event.detail),
        );
      } else {
        report(
          event.serviceId,
          event.status,
          service(event.service, event.server, event.status, event.detail),
        );
      }
    },
    snapshot(detail: PlanDetail) {
      for (const s of detail.result.services) {
        if (s.status === "pending") continue;
        const detail = s.status === "unchanged" ? `already running ${shortDigest(s.toDigest)}` : s.error;
        report(s.serviceId, s.status, service(s.service, s.server, s.status, detail));
      }
      report("plan", detail.plan.status, `plan ${detail.plan.id}: ${detail.plan.status.replace("_", " ")}`);
    },
  };
}
export type ProgressPrinter = ReturnType<typeof progressPrinter>;

const oneLine = (text: string) => text.replace(/\s+/g, " ").slice(0, 300);
