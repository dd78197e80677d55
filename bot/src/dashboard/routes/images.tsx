/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { currentChecks, getDisplayTag } from "@bridgeport/core";
import { type Context, Hono } from "hono";
import { digestJson, historyJson, imageJson } from "../../http/image-json.js";
import type { TagDetail } from "../../http/registry-connection.js";
import { registryJson } from "../../http/registry-json.js";
import { serviceJson } from "../../http/server-json.js";
import type { ApiProblem } from "../api-client.js";
import type { Image } from "../api-types.js";
import { checked, type FormFields, filled, text } from "../form.js";
import { DeployConfirm } from "../pages/deploy-confirm.js";
import { digestLabel } from "../pages/digest-table.js";
import { ImagePage, type ImagePageProps } from "../pages/image-page.js";
import { type DeployedDigest, ImagesPage } from "../pages/images-page.js";
import { TagBrowser } from "../pages/tag-browser.js";
import type { DashEnv } from "../session.js";
import { emptyForm, type FormState, postedState } from "../ui/form-state.js";
import { notFoundPage } from "../ui/not-found.js";
import { page } from "../ui/page.js";
import type { DashboardContext } from "./context.js";

/** How many history entries the image page shows (the API's limit at most). */
const HISTORY_SHOWN = 200;

function imageBody(form: FormFields, mode: "create" | "patch") {
  const registry = text(form, "registryConnectionId");
  return filled({
    name: text(form, "name"),
    imageName: text(form, "imageName"),
    tagFilter: text(form, "tagFilter"),
    registryConnectionId: mode === "patch" ? (registry ?? null) : registry,
    autoUpdate: mode === "create" ? checked(form, "autoUpdate") : undefined,
  });
}

const settingsValues = (image: Image) => ({
  name: image.name,
  imageName: image.imageName,
  tagFilter: image.tagFilter,
  registryConnectionId: image.registryConnectionId ?? "",
});

/** Orchestration > Container Images: list, Create Image, the image page, tag browser, deploy. */
export function imageRoutes(ctx: DashboardContext) {
  const { deps, api } = ctx;
  const { store } = deps;

  async function listPage(c: Context<DashEnv>, envId: string, state: FormState) {
    if (!(await store.environments.get(envId))) return notFoundPage(c, deps, "Environment");
    const images = (await store.images.list({ environmentId: envId })).map(imageJson);
    const deployed = new Map<string, DeployedDigest>();
    for (const image of images) {
      const digest = image.deployedDigestId ? await store.digests.get(image.deployedDigestId) : undefined;
      if (digest)
        deployed.set(image.id, {
          tag: getDisplayTag(digest.tags, image.tagFilter),
          digest: digest.manifestDigest,
        });
    }
    const registries = (await store.registries.list({ environmentId: envId })).map(registryJson);
    return page(c, deps, {
      title: "Container Images",
      place: { environmentId: envId, section: "images" },
      status: state.problem?.status ?? 200,
      children: (
        <ImagesPage
          environmentId={envId}
          images={images}
          deployed={deployed}
          registries={registries}
          session={c.var.session}
          state={state}
        />
      ),
    });
  }

  /** What the image page and the deploy confirmation read: the image, its digests and services. */
  async function imageData(id: string) {
    const stored = await store.images.get(id);
    if (!stored) return undefined;
    const image = imageJson(stored);
    const checks = await currentChecks(store, stored);
    const digests = (await store.digests.listForImage(id)).map((d) =>
      digestJson(d, checks.get(d.manifestDigest)),
    );
    const services = (await store.services.list({ containerImageId: id })).map((s) => serviceJson(s));
    const servers = await store.servers.list({ environmentId: image.environmentId });
    const serverNames = new Map(servers.map((s) => [s.id, s.name]));
    // The labels of the digests services run now (the rows name their own).
    const running = new Set(services.map((s) => s.deployedDigest));
    const labels = new Map(
      digests
        .filter((d) => running.has(d.manifestDigest))
        .map((d) => [d.manifestDigest, digestLabel(d, image.tagFilter)]),
    );
    return { image, digests, services, serverNames, labels };
  }

  async function imagePage(c: Context<DashEnv>, id: string, shown: Partial<ImagePageProps> = {}) {
    const data = await imageData(id);
    if (!data) return notFoundPage(c, deps, "Container image");
    const { image } = data;
    const history = (await store.history.listForImage(id, { limit: HISTORY_SHOWN })).map(historyJson);
    const registries = (await store.registries.list({ environmentId: image.environmentId })).map(
      registryJson,
    );
    return page(c, deps, {
      title: image.name,
      place: { environmentId: image.environmentId, section: "images" },
      status: shown.settings?.problem?.status ?? 200,
      children: (
        <ImagePage
          {...data}
          history={history}
          registries={registries}
          session={c.var.session}
          settings={{ values: settingsValues(image) }}
          {...shown}
        />
      ),
    });
  }

  /** The deploy confirmation (its dialog part, or a page without the script), with the API's refusal. */
  async function confirmPage(
    c: Context<DashEnv>,
    id: string,
    digestId: string,
    serviceId?: string,
    problem?: ApiProblem,
  ) {
    const data = await imageData(id);
    const digest = data?.digests.find((d) => d.id === digestId);
    if (!data || !digest) return notFoundPage(c, deps, data ? "Digest" : "Container image");
    return page(c, deps, {
      title: `Deploy ${digestLabel(digest, data.image.tagFilter)}`,
      place: { environmentId: data.image.environmentId, section: "images" },
      status: problem?.status ?? 200,
      children: (
        <DeployConfirm
          {...data}
          digest={digest}
          services={serviceId ? data.services.filter((s) => s.id === serviceId) : data.services}
          scopedTo={serviceId}
          session={c.var.session}
          problem={problem}
        />
      ),
    });
  }

  return new Hono<DashEnv>()
    .get("/environments/:envId/images", ctx.signedIn, (c) => listPage(c, c.req.param("envId"), emptyForm))
    .post("/environments/:envId/images", ctx.signedIn, ctx.posted, async (c) => {
      const envId = c.req.param("envId");
      const path = `/api/environments/${envId}/container-images`;
      const answer = await api.call<{ image: Image }>(
        c.var.session,
        "POST",
        path,
        imageBody(c.var.form, "create"),
      );
      if (!answer.ok) return listPage(c, envId, postedState(c.var.form, answer.problem));
      return c.redirect(`/images/${answer.body.image.id}`, 303);
    })
    .get("/images/:id", ctx.signedIn, (c) => imagePage(c, c.req.param("id")))
    .post("/images/:id", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const answer = await api.call(
        c.var.session,
        "PATCH",
        `/api/container-images/${id}`,
        imageBody(c.var.form, "patch"),
      );
      if (!answer.ok) return imagePage(c, id, { settings: postedState(c.var.form, answer.problem) });
      return c.redirect(`/images/${id}`, 303);
    })
    .post("/images/:id/auto-update", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const autoUpdate = c.var.form.get("autoUpdate") === "on";
      const answer = await api.call(c.var.session, "PATCH", `/api/container-images/${id}`, { autoUpdate });
      if (!answer.ok) return imagePage(c, id, { notice: { ok: false, text: answer.problem.message } });
      return c.redirect(`/images/${id}`, 303);
    })
    .post("/images/:id/check-updates", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      type Checked = {
        hasUpdate: boolean;
        latestTag: string | null;
        reason: string | null;
        newDigests: number;
      };
      const answer = await api.call<Checked>(
        c.var.session,
        "POST",
        `/api/container-images/${id}/check-updates`,
      );
      const notice = !answer.ok
        ? { ok: false, text: answer.problem.message }
        : {
            ok: true,
            text: `Synced with the registry: ${answer.body.newDigests} new digest(s). ${
              answer.body.hasUpdate
                ? `Update available: ${answer.body.latestTag ?? ""}.`
                : `No update${answer.body.reason ? `: ${answer.body.reason}` : ""}.`
            }`,
          };
      return imagePage(c, id, { notice });
    })
    .get("/images/:id/tags", ctx.signedIn, async (c) => {
      const id = c.req.param("id");
      const stored = await store.images.get(id);
      if (!stored) return notFoundPage(c, deps, "Container image");
      const answer = await api.call<{ tags: TagDetail[] }>(
        c.var.session,
        "GET",
        `/api/container-images/${id}/tags`,
      );
      return page(c, deps, {
        title: `Tags of ${stored.name}`,
        place: { environmentId: stored.environmentId, section: "images" },
        children: answer.ok ? (
          <TagBrowser image={imageJson(stored)} tags={answer.body.tags} />
        ) : (
          <TagBrowser image={imageJson(stored)} tags={null} problem={answer.problem} />
        ),
      });
    })
    .get("/images/:id/deploy", ctx.signedIn, (c) =>
      confirmPage(c, c.req.param("id"), c.req.query("digest") ?? "", c.req.query("service")),
    )
    .post("/images/:id/deploy", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const form = c.var.form;
      const serviceId = text(form, "serviceId");
      const body = {
        imageDigestId: form.get("imageDigestId") ?? "",
        autoRollback: checked(form, "autoRollback"),
        ...(serviceId ? { serviceIds: [serviceId] } : {}),
      };
      const answer = await api.call<{ planId: string }>(
        c.var.session,
        "POST",
        `/api/container-images/${id}/deploy`,
        body,
      );
      if (answer.ok) return c.redirect(`/plans/${answer.body.planId}`, 303);
      return confirmPage(c, id, body.imageDigestId, serviceId, answer.problem);
    });
}
