/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { text } from "../form.js";
import { HomePage } from "../pages/home-page.js";
import type { DashEnv } from "../session.js";
import { emptyForm, type FormState, postedState } from "../ui/form-state.js";
import { envPath } from "../ui/layout.js";
import { page } from "../ui/page.js";
import type { DashboardContext } from "./context.js";

/** `/`: the environments, and adding one (the newcomer's first step). */
export function homeRoutes(ctx: DashboardContext) {
  const { deps } = ctx;
  const render = async (
    c: Parameters<typeof page>[0],
    state: FormState,
    status: ContentfulStatusCode = 200,
  ) =>
    page(c, deps, {
      title: "Environments",
      place: { section: "home" },
      status,
      children: (
        <HomePage environments={await deps.store.environments.list()} session={c.var.session} state={state} />
      ),
    });
  return new Hono<DashEnv>()
    .get("/", ctx.signedIn, (c) => render(c, emptyForm))
    .post("/environments", ctx.signedIn, ctx.posted, async (c) => {
      const form = c.var.form;
      const answer = await ctx.api.call<{ environment: { id: string } }>(
        c.var.session,
        "POST",
        "/api/environments",
        {
          name: text(form, "name") ?? "",
        },
      );
      if (!answer.ok) return render(c, postedState(form, answer.problem), answer.problem.status);
      return c.redirect(envPath(answer.body.environment.id, "registries"), 303);
    });
}
