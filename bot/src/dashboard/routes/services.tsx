/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { currentChecks } from "@bridgeport/core";
import { type Context, Hono } from "hono";
import { digestJson, imageJson } from "../../http/image-json.js";
import { serverJson, serviceJson } from "../../http/server-json.js";
import type { Service } from "../api-types.js";
import { type FormFields, filled, integer, text } from "../form.js";
import { ServicePage } from "../pages/service-page.js";
import { ServicesPage } from "../pages/services-page.js";
import type { DashEnv } from "../session.js";
import { emptyForm, type FormState, postedState } from "../ui/form-state.js";
import { notFoundPage } from "../ui/not-found.js";
import { page } from "../ui/page.js";
import type { DashboardContext } from "./context.js";

/** The health check fields as the API's `healthCheck` (none when no kind is chosen). */
function healthCheck(form: FormFields) {
  const kind = text(form, "healthCheck.kind");
  if (!kind) return undefined;
  return filled({
    kind,
    url: kind === "http" ? text(form, "healthCheck.url")?.trim() : undefined,
    port: kind === "tcp" ? integer(form, "healthCheck.port") : undefined,
    retries: integer(form, "healthCheck.retries"),
    intervalMs: integer(form, "healthCheck.intervalMs"),
  });
}

const serviceBody = (form: FormFields) =>
  filled({
    name: text(form, "name"),
    containerName: text(form, "containerName")?.trim(),
    containerImageId: text(form, "containerImageId"),
    kind: text(form, "kind"),
    composeFile: text(form, "composeFile")?.trim(),
    composeService: text(form, "composeService")?.trim(),
    healthCheck: healthCheck(form),
  });

/** Services: list, Add Service, and a service's Deploy card. */
export function serviceRoutes(ctx: DashboardContext) {
  const { deps, api } = ctx;
  const { store } = deps;

  async function listPage(c: Context<DashEnv>, envId: string, state: FormState) {
    if (!(await store.environments.get(envId))) return notFoundPage(c, deps, "Environment");
    const services = (await store.services.list({ environmentId: envId })).map((s) => serviceJson(s));
    const servers = (await store.servers.list({ environmentId: envId })).map(serverJson);
    const images = (await store.images.list({ environmentId: envId })).map(imageJson);
    return page(c, deps, {
      title: "Services",
      place: { environmentId: envId, section: "services" },
      status: state.problem?.status ?? 200,
      children: (
        <ServicesPage
          environmentId={envId}
          services={services}
          servers={servers}
          images={images}
          session={c.var.session}
          state={state}
        />
      ),
    });
  }

  return new Hono<DashEnv>()
    .get("/environments/:envId/services", ctx.signedIn, (c) => listPage(c, c.req.param("envId"), emptyForm))
    .post("/environments/:envId/services", ctx.signedIn, ctx.posted, async (c) => {
      const envId = c.req.param("envId");
      const form = c.var.form;
      const serverId = text(form, "serverId");
      if (!serverId) {
        const problem = {
          status: 400 as const,
          message: "serverId: choose a server",
          fields: { serverId: "choose the server the container runs on" },
        };
        return listPage(c, envId, postedState(form, problem));
      }
      const path = `/api/servers/${encodeURIComponent(serverId)}/services`;
      const answer = await api.call<{ service: Service }>(c.var.session, "POST", path, serviceBody(form));
      if (!answer.ok) return listPage(c, envId, postedState(form, answer.problem));
      return c.redirect(`/services/${answer.body.service.id}`, 303);
    })
    .get("/services/:id", ctx.signedIn, async (c) => {
      const service = await store.services.get(c.req.param("id"));
      if (!service) return notFoundPage(c, deps, "Service");
      const server = await store.servers.get(service.serverId);
      const image = await store.images.get(service.containerImageId);
      const checks = image ? await currentChecks(store, image) : new Map();
      const digests = image
        ? (await store.digests.listForImage(image.id)).map((d) => digestJson(d, checks.get(d.manifestDigest)))
        : [];
      return page(c, deps, {
        title: `Service ${service.name}`,
        place: { environmentId: server?.environmentId, section: "services" },
        children: (
          <ServicePage
            service={serviceJson(service)}
            server={server && serverJson(server)}
            image={image && imageJson(image)}
            digests={digests}
            session={c.var.session}
          />
        ),
      });
    });
}
