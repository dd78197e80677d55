import { OpenAPIHono } from "@hono/zod-openapi";
import { routePath } from "hono/route";
import { dashboardRoutes } from "./dashboard/index.js";
import { refuseWhileDatabaseDown } from "./database-health.js";
import type { BotDeps } from "./deps.js";
import { gitHubAppRoutes } from "./github/webhook-route.js";
import { type ApiEnv, bearerAuth } from "./http/auth.js";
import { errorHandler } from "./http/errors.js";
import { validationHook } from "./http/openapi-router.js";
import { boundedBodies, closeUnreadBodies } from "./http/request-body.js";
import { apiTokenRoutes } from "./routes/api-tokens.js";
import { containerImageDeployRoutes } from "./routes/container-image-deploy.js";
import { containerImageRegistryRoutes } from "./routes/container-image-registry.js";
import { containerImageRoutes } from "./routes/container-images.js";
import { deployRoutes } from "./routes/deploy.js";
import { deploymentPlanRoutes } from "./routes/deployment-plans.js";
import { environmentRoutes } from "./routes/environments.js";
import { gitHubRepositoryRoutes } from "./routes/github-repositories.js";
import { healthRoutes } from "./routes/health.js";
import { jobRoutes } from "./routes/jobs.js";
import { notificationChannelRoutes } from "./routes/notification-channels.js";
import { registryRoutes } from "./routes/registries.js";
import { registryActionRoutes } from "./routes/registry-actions.js";
import { registryCredentialRoutes } from "./routes/registry-credentials.js";
import { serverActionRoutes } from "./routes/server-actions.js";
import { serverRoutes } from "./routes/servers.js";
import { serviceRoutes } from "./routes/services.js";
import { signingKeyRoutes } from "./routes/signing-keys.js";
import { webhookDeliveryRoutes } from "./routes/webhook-deliveries.js";
import { webhookRoutes } from "./webhooks/index.js";

/**
 * The bot's HTTP app, built from its dependencies: health and metrics, the REST API under
 * /api (Bearer tokens with roles), webhook receivers under /webhooks, and the GitHub app's
 * deliveries at /github/webhooks. Every body is read bounded (http/request-body.ts).
 */
export function createApp(deps: BotDeps) {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.onError(errorHandler(deps.log));
  app.use("*", async (c, next) => {
    await next();
    // The matched pattern, never the path: two webhook paths carry their secret, and any
    // path a client makes up would be a label of its own.
    const route = routePath(c, -1);
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
  app.use("*", closeUnreadBodies());
  if (deps.database) app.use("*", refuseWhileDatabaseDown(deps.database));
  app.route("/", healthRoutes(deps));
  app.route("/webhooks", webhookRoutes(deps));
  app.route("/github", gitHubAppRoutes(deps));
  app.route("/", dashboardRoutes(deps, app));
  app.use("/api/*", bearerAuth(deps), boundedBodies());
  app.route("/", environmentRoutes(deps));
  app.route("/", registryRoutes(deps));
  app.route("/", registryActionRoutes(deps));
  app.route("/", registryCredentialRoutes(deps));
  app.route("/", serverRoutes(deps));
  app.route("/", serverActionRoutes(deps));
  app.route("/", serviceRoutes(deps));
  app.route("/", containerImageRoutes(deps));
  app.route("/", containerImageRegistryRoutes(deps));
  app.route("/", containerImageDeployRoutes(deps));
  app.route("/", deployRoutes(deps));
  app.route("/", deploymentPlanRoutes(deps));
  app.route("/", apiTokenRoutes(deps));
  app.route("/", gitHubRepositoryRoutes(deps));
  app.route("/", jobRoutes(deps));
  app.route("/", webhookDeliveryRoutes(deps));
  app.route("/", notificationChannelRoutes(deps));
  app.route("/", signingKeyRoutes(deps));
  app.doc31("/api/openapi.json", { openapi: "3.1.0", info: { title: "Bridgeport API", version: "1" } });
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
