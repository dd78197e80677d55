import {
  FINISHED_PLAN_STATUSES,
  loadPlanDetail,
  NotFoundError,
  type PlanEvent,
  type PlanStatus,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import type { BotDeps } from "../deps.js";
import { apiRouter, errorResponses, idSchema, jsonResponse } from "../http/openapi-router.js";
import { PlanDetailJson } from "../http/plan-json.js";

const tags = ["deployment-plans"];
const params = z.object({ planId: idSchema.openapi({ param: { name: "planId", in: "path" } }) });
/** A stream ends by itself after this long even if the plan never does (a client may reconnect). */
const MAX_STREAM_MS = 30 * 60_000;
/** How often a quiet stream re-reads the plan: another process may have finished it. */
const RECHECK_MS = 15_000;

const get = createRoute({
  method: "get",
  path: "/api/deployment-plans/{planId}",
  tags,
  request: { params },
  responses: {
    200: jsonResponse(PlanDetailJson, "Plan, steps with logs and timings, per-service result"),
    ...errorResponses,
  },
});
const events = createRoute({
  method: "get",
  path: "/api/deployment-plans/{planId}/events",
  tags,
  request: { params },
  responses: {
    200: {
      description:
        "text/event-stream: `state` (the plan detail) first, then `plan`, `step` and `health` (one per health check attempt) events, each with its number in the plan as `id` (send it back as `Last-Event-ID` to resume on any replica); a final `state` when the plan ends",
    },
    ...errorResponses,
  },
});

const isFinal = (status: PlanStatus) => (FINISHED_PLAN_STATUSES as readonly PlanStatus[]).includes(status);

/** Deployment plans: their detail, and a live stream of their events. */
export function deploymentPlanRoutes(deps: Pick<BotDeps, "store" | "plans">) {
  const { store } = deps;
  const detail = async (planId: string) => {
    const found = await loadPlanDetail(store, planId);
    if (!found) throw new NotFoundError("Deployment plan", planId);
    return found;
  };
  return apiRouter()
    .openapi(get, async (c) => c.json(await detail(c.req.valid("param").planId), 200))
    .openapi(events, async (c) => {
      const { planId } = c.req.valid("param");
      await detail(planId);
      return streamSSE(c, async (stream) => {
        const queue: { event: PlanEvent; seq: number }[] = [];
        let wake = () => {};
        // A client that reconnects (to any replica) says the last event it saw; it gets the rest.
        const resumeFrom = Number(c.req.header("last-event-id"));
        const unsubscribe = await deps.plans.subscribe(
          planId,
          (event, seq) => {
            queue.push({ event, seq });
            wake();
          },
          Number.isSafeInteger(resumeFrom) && resumeFrom >= 0 ? { afterSeq: resumeFrom } : {},
        );
        stream.onAbort(() => wake());
        const sendState = async () => {
          const state = await detail(planId);
          await stream.writeSSE({ event: "state", data: JSON.stringify(state) });
          return isFinal(state.plan.status);
        };
        try {
          // Subscribed before reading: an event in between is queued, not lost.
          if (await sendState()) return;
          const deadline = Date.now() + MAX_STREAM_MS;
          while (!stream.aborted && Date.now() < deadline) {
            const next = queue.shift();
            if (next === undefined) {
              const woken = await new Promise<boolean>((resolve) => {
                const timer = setTimeout(() => resolve(false), Math.min(RECHECK_MS, deadline - Date.now()));
                wake = () => {
                  clearTimeout(timer);
                  resolve(true);
                };
              });
              if (!woken && !stream.aborted && (await sendState())) return;
              continue;
            }
            const { event, seq } = next;
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event), id: String(seq) });
            if (event.type === "plan" && isFinal(event.status)) {
              await sendState();
              return;
            }
          }
        } finally {
          unsubscribe();
        }
      });
    });
}
