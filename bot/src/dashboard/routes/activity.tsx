/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { DeliveriesPage, type Delivery } from "../pages/deliveries-page.js";
import { type Job, JobsPage } from "../pages/jobs-page.js";
import type { DashEnv } from "../session.js";
import { page } from "../ui/page.js";
import type { DashboardContext } from "./context.js";

/** Webhook deliveries and jobs: read-only, as the API lists them. */
export function activityRoutes(ctx: DashboardContext) {
  const { deps, api } = ctx;
  const problem = (message: string) => (
    <p class="alert alert-bad" role="alert">
      {message}
    </p>
  );
  return new Hono<DashEnv>()
    .get("/deliveries", ctx.signedIn, async (c) => {
      const answer = await api.call<{ deliveries: Delivery[] }>(
        c.var.session,
        "GET",
        "/api/webhook-deliveries",
      );
      return page(c, deps, {
        title: "Webhook deliveries",
        place: { section: "deliveries" },
        children: answer.ok ? (
          <DeliveriesPage deliveries={answer.body.deliveries} />
        ) : (
          problem(answer.problem.message)
        ),
      });
    })
    .get("/jobs", ctx.signedIn, async (c) => {
      const status = c.req.query("status") || undefined;
      const query = status ? `?status=${encodeURIComponent(status)}` : "";
      const answer = await api.call<{ jobs: Job[] }>(c.var.session, "GET", `/api/jobs${query}`);
      return page(c, deps, {
        title: "Jobs",
        place: { section: "jobs" },
        children: answer.ok ? (
          <JobsPage jobs={answer.body.jobs} status={status} />
        ) : (
          problem(answer.problem.message)
        ),
      });
    });
}
