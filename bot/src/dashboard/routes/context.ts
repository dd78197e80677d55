import type { MiddlewareHandler } from "hono";
import type { BotDeps } from "../../deps.js";
import type { DashboardApi } from "../api-client.js";
import { checkForm, type DashEnv, requireSession } from "../session.js";
import { refusedPage } from "../ui/page.js";

/** What every group of dashboard routes is built from. */
export interface DashboardContext {
  deps: BotDeps;
  api: DashboardApi;
  /** Pages: a live session, else to sign-in. */
  signedIn: MiddlewareHandler<DashEnv>;
  /** Form posts: origin, body limit and CSRF token checked; the form is then `c.var.form`. */
  posted: MiddlewareHandler<DashEnv>;
}

export function dashboardContext(deps: BotDeps, api: DashboardApi): DashboardContext {
  return { deps, api, signedIn: requireSession(deps), posted: checkForm(deps, refusedPage) };
}
