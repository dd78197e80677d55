/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { RegistryConnection } from "@bridgeport/core";
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { type CredentialVersionJson, registryJson } from "../../http/registry-json.js";
import { checked, type FormFields, filled, integer, text, textOrNull } from "../form.js";
import { RegistriesPage } from "../pages/registries-page.js";
import { REGISTRY_SECRETS } from "../pages/registry-form.js";
import { RegistryPage, type RegistryPageProps } from "../pages/registry-page.js";
import type { DashEnv } from "../session.js";
import { emptyForm, type FormState, postedState } from "../ui/form-state.js";
import { envPath } from "../ui/layout.js";
import { notFoundPage } from "../ui/not-found.js";
import { page } from "../ui/page.js";
import type { DashboardContext } from "./context.js";

type Verdict = { ok: boolean; error?: string };
type Versions = { versions: z.infer<typeof CredentialVersionJson>[] };

const secrets = (form: FormFields) =>
  filled(Object.fromEntries(REGISTRY_SECRETS.map((k) => [k, text(form, k)])));

/** The API body of the registry form: what was filled in; in a PATCH an emptied field clears. */
function registryBody(form: FormFields, mode: "create" | "patch") {
  const optional = mode === "patch" ? textOrNull : text;
  return filled({
    name: text(form, "name"),
    type: text(form, "type"),
    registryUrl: text(form, "registryUrl"),
    repositoryPrefix: optional(form, "repositoryPrefix"),
    refreshIntervalMinutes: integer(form, "refreshIntervalMinutes"),
    autoLinkPattern: optional(form, "autoLinkPattern"),
    isDefault: checked(form, "isDefault"),
    ...(mode === "create" ? secrets(form) : {}),
  });
}

const editValues = (r: RegistryConnection) => ({
  name: r.name,
  type: r.type,
  registryUrl: r.registryUrl,
  repositoryPrefix: r.repositoryPrefix ?? "",
  refreshIntervalMinutes: String(r.refreshIntervalMinutes),
  autoLinkPattern: r.autoLinkPattern ?? "",
  isDefault: r.isDefault ? "on" : undefined,
});

/** Orchestration > Registries: list, Add Registry (Test Connection, then Save), edit, rotate, delete. */
export function registryRoutes(ctx: DashboardContext) {
  const { deps, api } = ctx;
  const { store } = deps;

  async function listPage(c: Context<DashEnv>, envId: string, state: FormState, verdict?: Verdict) {
    if (!(await store.environments.get(envId))) return notFoundPage(c, deps, "Environment");
    const registries = (await store.registries.list({ environmentId: envId })).map(registryJson);
    return page(c, deps, {
      title: "Registries",
      place: { environmentId: envId, section: "registries" },
      status: state.problem?.status ?? 200,
      children: (
        <RegistriesPage
          environmentId={envId}
          registries={registries}
          session={c.var.session}
          state={state}
          verdict={verdict}
        />
      ),
    });
  }

  async function registryPage(c: Context<DashEnv>, id: string, shown: Partial<RegistryPageProps> = {}) {
    const registry = await store.registries.get(id);
    if (!registry) return notFoundPage(c, deps, "Registry connection");
    const versions = await api.call<Versions>(c.var.session, "GET", `/api/registries/${id}/credentials`);
    return page(c, deps, {
      title: `Registry ${registry.name}`,
      place: { environmentId: registry.environmentId, section: "registries" },
      status: shown.edit?.problem?.status ?? shown.rotate?.problem?.status ?? 200,
      children: (
        <RegistryPage
          registry={registryJson(registry)}
          versions={versions.ok ? versions.body.versions : []}
          session={c.var.session}
          edit={{ values: editValues(registry) }}
          rotate={emptyForm}
          {...shown}
        />
      ),
    });
  }

  return new Hono<DashEnv>()
    .get("/environments/:envId/registries", ctx.signedIn, (c) => listPage(c, c.req.param("envId"), emptyForm))
    .post("/environments/:envId/registries", ctx.signedIn, ctx.posted, async (c) => {
      const envId = c.req.param("envId");
      const form = c.var.form;
      const body = registryBody(form, "create");
      if (form.get("intent") === "test") {
        const tested = await api.call<Verdict>(
          c.var.session,
          "POST",
          `/api/environments/${envId}/registries/test`,
          body,
        );
        if (!tested.ok) return listPage(c, envId, postedState(form, tested.problem, REGISTRY_SECRETS));
        return listPage(c, envId, postedState(form, undefined, REGISTRY_SECRETS), tested.body);
      }
      const saved = await api.call(c.var.session, "POST", `/api/environments/${envId}/registries`, body);
      if (!saved.ok) return listPage(c, envId, postedState(form, saved.problem, REGISTRY_SECRETS));
      return c.redirect(envPath(envId, "registries"), 303);
    })
    .get("/registries/:id", ctx.signedIn, (c) => registryPage(c, c.req.param("id")))
    .post("/registries/:id", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const answer = await api.call(
        c.var.session,
        "PATCH",
        `/api/registries/${id}`,
        registryBody(c.var.form, "patch"),
      );
      if (!answer.ok) return registryPage(c, id, { edit: postedState(c.var.form, answer.problem) });
      return c.redirect(`/registries/${id}`, 303);
    })
    .post("/registries/:id/test", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const answer = await api.call<Verdict>(c.var.session, "POST", `/api/registries/${id}/test`);
      const notice = !answer.ok
        ? { ok: false, text: answer.problem.message }
        : answer.body.ok
          ? { ok: true, text: "Connection OK: the registry accepted the stored credentials." }
          : { ok: false, text: answer.body.error ?? "Connection test failed" };
      return registryPage(c, id, { notice });
    })
    .post("/registries/:id/check-updates", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      type Checked = { summary: { checked: number; withUpdates: number; errors: number } };
      const answer = await api.call<Checked>(c.var.session, "POST", `/api/registries/${id}/check-updates`);
      const notice = answer.ok
        ? {
            ok: answer.body.summary.errors === 0,
            text: `Checked ${answer.body.summary.checked} service(s): ${answer.body.summary.withUpdates} with an update, ${answer.body.summary.errors} error(s).`,
          }
        : { ok: false, text: answer.problem.message };
      return registryPage(c, id, { notice });
    })
    .post("/registries/:id/credentials", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const answer = await api.call(
        c.var.session,
        "POST",
        `/api/registries/${id}/credentials`,
        secrets(c.var.form),
      );
      if (!answer.ok)
        return registryPage(c, id, { rotate: postedState(c.var.form, answer.problem, REGISTRY_SECRETS) });
      return c.redirect(`/registries/${id}`, 303);
    })
    .post("/registries/:id/credentials/:version/activate", ctx.signedIn, ctx.posted, async (c) => {
      const { id, version } = c.req.param();
      const answer = await api.call(
        c.var.session,
        "POST",
        `/api/registries/${id}/credentials/${version}/activate`,
      );
      if (!answer.ok) return registryPage(c, id, { notice: { ok: false, text: answer.problem.message } });
      return c.redirect(`/registries/${id}`, 303);
    })
    .post("/registries/:id/delete", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const registry = await store.registries.get(id);
      const answer = await api.call(c.var.session, "DELETE", `/api/registries/${id}`);
      if (!answer.ok) return registryPage(c, id, { notice: { ok: false, text: answer.problem.message } });
      return c.redirect(registry ? envPath(registry.environmentId, "registries") : "/", 303);
    });
}
