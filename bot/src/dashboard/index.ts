import { Hono } from "hono";
import type { BotDeps } from "../deps.js";
import { dashboardApi, type InProcessApp } from "./api-client.js";
import { serveAsset } from "./assets.js";
import { activityRoutes } from "./routes/activity.js";
import { dashboardContext } from "./routes/context.js";
import { homeRoutes } from "./routes/home.js";
import { imageRoutes } from "./routes/images.js";
import { planRoutes } from "./routes/plans.js";
import { registryRoutes } from "./routes/registries.js";
import { serverRoutes } from "./routes/servers.js";
import { serviceRoutes } from "./routes/services.js";
import { signInRoutes } from "./routes/sign-in.js";

/**
 * The dashboard at `/`: server-rendered pages for people, signed in with an API token. Pages
 * read the store through the API's own JSON builders; every write and every action on a
 * registry or server is a request to the API in this process as the session's caller, so the
 * dashboard answers, validates and refuses exactly as the API does.
 */
export function dashboardRoutes(deps: BotDeps, app: InProcessApp) {
  const ctx = dashboardContext(deps, dashboardApi(app));
  return new Hono()
    .get("/assets/:file", serveAsset)
    .route("/", signInRoutes(deps))
    .route("/", homeRoutes(ctx))
    .route("/", registryRoutes(ctx))
    .route("/", imageRoutes(ctx))
    .route("/", serviceRoutes(ctx))
    .route("/", serverRoutes(ctx))
    .route("/", planRoutes(ctx))
    .route("/", activityRoutes(ctx));
}
