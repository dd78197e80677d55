/** @jsxRuntime automatic @jsxImportSource hono/jsx */

import { loadPlanDetail, type PlanDetail } from "@bridgeport/core";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { PlanEventLine } from "../pages/plan-event-line.js";
import { isFinished, PlanFragments, PlanPage } from "../pages/plan-page.js";
import { PlansPage } from "../pages/plans-page.js";
import type { DashEnv } from "../session.js";
import { sseMessages } from "../sse-messages.js";
import { notFoundPage } from "../ui/not-found.js";
import { page } from "../ui/page.js";
import type { DashboardContext } from "./context.js";

/** How many plans the list shows. */
const PLANS_SHOWN = 100;

const fragmentsHtml = async (detail: PlanDetail) => String(await (<PlanFragments detail={detail} />));

/** Deployment Plans: the list, a plan's page, and its live view. */
export function planRoutes(ctx: DashboardContext) {
  const { deps, api } = ctx;
  const { store } = deps;

  return new Hono<DashEnv>()
    .get("/environments/:envId/plans", ctx.signedIn, async (c) => {
      const envId = c.req.param("envId");
      if (!(await store.environments.get(envId))) return notFoundPage(c, deps, "Environment");
      const plans = await store.plans.list({ environmentId: envId, limit: PLANS_SHOWN });
      const imageNames = new Map(
        (await store.images.list({ environmentId: envId })).map((i) => [i.id, i.name]),
      );
      return page(c, deps, {
        title: "Deployment Plans",
        place: { environmentId: envId, section: "plans" },
        children: <PlansPage plans={plans} imageNames={imageNames} />,
      });
    })
    .get("/plans/:id", ctx.signedIn, async (c) => {
      const detail = await loadPlanDetail(store, c.req.param("id"));
      if (!detail) return notFoundPage(c, deps, "Deployment plan");
      return page(c, deps, {
        title: `Plan ${detail.result.image} ${detail.plan.targetTag ?? ""}`,
        place: { environmentId: detail.plan.environmentId, section: "plans" },
        children: <PlanPage detail={detail} />,
      });
    })
    .get("/plans/:id/live", ctx.signedIn, (c) => live(c, c.req.param("id")));

  /**
   * The API's plan event stream, read in this process as the session's caller, turned into what
   * the page shows: each event as a line at once, then the page's parts drawn again from the
   * plan as stored. The stream's own `state` messages (first, last) carry the plan detail.
   */
  async function live(c: Context<DashEnv>, planId: string) {
    const upstream = await api.stream(
      c.var.session,
      `/api/deployment-plans/${encodeURIComponent(planId)}/events`,
    );
    const body = upstream.body;
    if (!upstream.ok || !body) {
      await body?.cancel();
      return c.text("No such plan", 404);
    }
    return streamSSE(c, async (stream) => {
      const reader = body.getReader();
      stream.onAbort(() => void reader.cancel());
      let last: PlanDetail | undefined;
      const sendFragments = async (detail: PlanDetail | undefined) => {
        if (!detail) return;
        last = detail;
        await stream.writeSSE({
          event: "fragments",
          data: JSON.stringify({ html: await fragmentsHtml(detail) }),
        });
      };
      for await (const message of sseMessages(reader)) {
        if (message.event === "state") {
          await sendFragments(JSON.parse(message.data) as PlanDetail);
          continue;
        }
        const event = JSON.parse(message.data) as Record<string, unknown>;
        await stream.writeSSE({
          event: "line",
          data: String(await (<PlanEventLine event={event} at={new Date()} />)),
        });
        await sendFragments(await loadPlanDetail(store, planId));
      }
      // A stream that ran out before the plan did just closes: the browser reconnects.
      if (!stream.aborted && last && isFinished(last.plan.status))
        await stream.writeSSE({ event: "end", data: "" });
    });
  }
}
