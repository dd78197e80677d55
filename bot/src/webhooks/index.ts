import { Hono } from "hono";
import type { BotDeps } from "../deps.js";
import { cloudEventsWebhook } from "./cloudevents.js";
import { distributionWebhook } from "./distribution.js";
import { dockerHubWebhook } from "./dockerhub.js";
import { gitHubWebhook } from "./github.js";
import { quayWebhook } from "./quay.js";

/**
 * The registry push receivers under /webhooks. No Bearer token: each checks its own secret
 * first, stores the delivery and its sync jobs, and answers at once; the job runner does the
 * registry work.
 */
export function webhookRoutes(deps: BotDeps) {
  const routes = new Hono();
  // The app's error handler logs the path, and two receivers carry their secret in it.
  routes.onError((error, c) => {
    deps.log.error(
      { err: { name: error.name, message: error.message }, path: c.req.routePath },
      "webhook request failed",
    );
    return c.json({ error: "Internal error: see the bot's log" }, 500);
  });
  return routes
    .route("/distribution", distributionWebhook(deps))
    .route("/dockerhub", dockerHubWebhook(deps))
    .route("/github", gitHubWebhook(deps))
    .route("/quay", quayWebhook(deps))
    .route("/cloudevents", cloudEventsWebhook(deps));
}
