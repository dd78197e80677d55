/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ServerTestResult } from "@bridgeport/core";
import { type Context, Hono } from "hono";
import { serverJson, serviceJson } from "../../http/server-json.js";
import type { Server } from "../api-types.js";
import { type FormFields, filled, integer, text } from "../form.js";
import { type ServerNotice, ServerPage } from "../pages/server-page.js";
import { ServersPage } from "../pages/servers-page.js";
import type { DashEnv } from "../session.js";
import { emptyForm, type FormState, postedState } from "../ui/form-state.js";
import { notFoundPage } from "../ui/not-found.js";
import { page } from "../ui/page.js";
import { ActionButton } from "../ui/post-form.js";
import type { DashboardContext } from "./context.js";

/** The Add Server form as the API's body: the fields of the chosen connection only. */
function serverBody(form: FormFields) {
  const mode = text(form, "mode");
  const secret = text(form, "auth.secret");
  const ssh = mode === "ssh";
  return filled({
    name: text(form, "name"),
    mode,
    host: ssh ? text(form, "host") : undefined,
    port: ssh ? integer(form, "port") : undefined,
    username: ssh ? text(form, "username") : undefined,
    auth: ssh && secret ? { kind: text(form, "auth.kind") ?? "key", secret } : undefined,
    hostKeyFingerprint: ssh ? text(form, "hostKeyFingerprint")?.trim() : undefined,
    socketPath: ssh ? undefined : text(form, "socketPath")?.trim(),
  });
}

type Discovery = {
  imagesCreated: string[];
  servicesCreated: string[];
  servicesLinked: string[];
  skipped: { container: string; reason: string }[];
};
type Pruned = { spaceReclaimedBytes: number; spaceReclaimedHuman: string; imagesDeleted: number };

/** Servers: list, Add Server, and a server's connection test, discovery and pruning. */
export function serverRoutes(ctx: DashboardContext) {
  const { deps, api } = ctx;
  const { store } = deps;

  async function listPage(c: Context<DashEnv>, envId: string, state: FormState) {
    if (!(await store.environments.get(envId))) return notFoundPage(c, deps, "Environment");
    const servers = (await store.servers.list({ environmentId: envId })).map(serverJson);
    const counts = new Map<string, number>();
    for (const s of await store.services.list({ environmentId: envId }))
      counts.set(s.serverId, (counts.get(s.serverId) ?? 0) + 1);
    return page(c, deps, {
      title: "Servers",
      place: { environmentId: envId, section: "servers" },
      status: state.problem?.status ?? 200,
      children: (
        <ServersPage
          environmentId={envId}
          servers={servers}
          serviceCounts={counts}
          session={c.var.session}
          state={state}
        />
      ),
    });
  }

  async function serverPage(c: Context<DashEnv>, id: string, notice?: ServerNotice) {
    const server = await store.servers.get(id);
    if (!server) return notFoundPage(c, deps, "Server");
    const services = (await store.services.list({ serverId: id })).map((s) => serviceJson(s));
    return page(c, deps, {
      title: `Server ${server.name}`,
      place: { environmentId: server.environmentId, section: "servers" },
      children: (
        <ServerPage server={serverJson(server)} services={services} session={c.var.session} notice={notice} />
      ),
    });
  }

  const testNotice = (c: Context<DashEnv>, id: string, result: ServerTestResult): ServerNotice => {
    const offered = result.offeredHostKeyFingerprint;
    const pin = offered ? (
      <>
        The server offers host key <code>{offered}</code>: check it on the server, then{" "}
        <ActionButton
          action={`/servers/${id}/pin`}
          csrf={c.var.session.csrf}
          label="Pin this host key"
          name="hostKeyFingerprint"
          value={offered}
        />
      </>
    ) : undefined;
    if (result.ok) {
      return {
        ok: true,
        title:
          "kubernetes" in result
            ? `Connection OK: Kubernetes ${result.kubernetes.version}; namespaces ${result.kubernetes.namespaces.join(", ")}.`
            : `Connection OK: Docker ${result.docker.version} (API ${result.docker.apiVersion}).`,
        ...(pin ? { lines: [pin] } : {}),
      };
    }
    return {
      ok: false,
      title: `Connection test failed (${result.failed}): ${result.error}`,
      ...(pin ? { lines: [pin] } : {}),
    };
  };

  return new Hono<DashEnv>()
    .get("/environments/:envId/servers", ctx.signedIn, (c) => listPage(c, c.req.param("envId"), emptyForm))
    .post("/environments/:envId/servers", ctx.signedIn, ctx.posted, async (c) => {
      const envId = c.req.param("envId");
      const answer = await api.call<{ server: Server }>(
        c.var.session,
        "POST",
        `/api/environments/${envId}/servers`,
        serverBody(c.var.form),
      );
      if (!answer.ok) return listPage(c, envId, postedState(c.var.form, answer.problem, ["auth.secret"]));
      return c.redirect(`/servers/${answer.body.server.id}`, 303);
    })
    .get("/servers/:id", ctx.signedIn, (c) => serverPage(c, c.req.param("id")))
    .post("/servers/:id/test", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const answer = await api.call<ServerTestResult>(c.var.session, "POST", `/api/servers/${id}/test`);
      return serverPage(
        c,
        id,
        answer.ok ? testNotice(c, id, answer.body) : { ok: false, title: answer.problem.message },
      );
    })
    .post("/servers/:id/pin", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const hostKeyFingerprint = c.var.form.get("hostKeyFingerprint") ?? "";
      const answer = await api.call(c.var.session, "PATCH", `/api/servers/${id}`, { hostKeyFingerprint });
      if (!answer.ok) return serverPage(c, id, { ok: false, title: answer.problem.message });
      return serverPage(c, id, { ok: true, title: `Pinned host key ${hostKeyFingerprint}.` });
    })
    .post("/servers/:id/discover", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const answer = await api.call<Discovery>(c.var.session, "POST", `/api/servers/${id}/discover`);
      if (!answer.ok) return serverPage(c, id, { ok: false, title: answer.problem.message });
      const r = answer.body;
      const list = (items: string[]) => (items.length ? items.join(", ") : "none");
      return serverPage(c, id, {
        ok: true,
        title: "Discovered the server's containers.",
        lines: [
          `Services created: ${list(r.servicesCreated)}`,
          `Services linked: ${list(r.servicesLinked)}`,
          `Images created: ${list(r.imagesCreated)}`,
          ...r.skipped.map((s) => `Skipped ${s.container}: ${s.reason}`),
        ],
      });
    })
    .post("/servers/:id/prune", ctx.signedIn, ctx.posted, async (c) => {
      const id = c.req.param("id");
      const mode = c.var.form.get("mode") ?? "dangling";
      const answer = await api.call<Pruned>(c.var.session, "POST", `/api/servers/${id}/prune-images`, {
        mode,
      });
      if (!answer.ok) return serverPage(c, id, { ok: false, title: answer.problem.message });
      const r = answer.body;
      return serverPage(c, id, {
        ok: true,
        title: `Pruned (${mode}): reclaimed ${r.spaceReclaimedHuman} (${r.spaceReclaimedBytes} bytes), ${r.imagesDeleted} image(s) deleted.`,
      });
    });
}
