/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { BotDeps } from "../../deps.js";
import { tokenAuthenticator } from "../../http/auth.js";
import { readForm } from "../form.js";
import { SignInPage } from "../pages/sign-in-page.js";
import {
  checkForm,
  checkSignInOrigin,
  clearSessionCookie,
  type DashEnv,
  requireSession,
  SESSION_IDLE_MS,
  SESSION_MAX_AGE_MS,
  sessionSecret,
  setSessionCookie,
} from "../session.js";
import { refusedPage } from "../ui/page.js";

/** Only a path of this dashboard: never another host (`//host`, `/\host`) after signing in. */
const safeNext = (next: string | null | undefined) =>
  next && /^\/(?![/\\])/.test(next) && !next.startsWith("/sign-") ? next : "/";

/** Sign-in (an API token for a session cookie) and sign-out. */
export function signInRoutes(deps: Pick<BotDeps, "store" | "config">) {
  const authenticate = tokenAuthenticator(deps);
  return new Hono<DashEnv>()
    .get("/sign-in", (c) =>
      c.html(<SignInPage state={{ values: {} }} next={safeNext(c.req.query("next"))} />, 200, {
        "cache-control": "no-store",
      }),
    )
    .post("/sign-in", checkSignInOrigin(deps, refusedPage), async (c) => {
      const form = await readForm(c);
      if (form instanceof Response) return form;
      const next = safeNext(form.get("next"));
      const caller = await authenticate(form.get("token") ?? "");
      if (!caller) {
        const problem = {
          status: 401 as const,
          message: "Invalid API token",
          fields: {
            token: "That is not a valid API token: check that it was copied whole, or make a new one.",
          },
        };
        return c.html(<SignInPage state={{ values: {}, problem }} next={next} />, 401);
      }
      await deps.store.dashboardSessions.purgeEnded(SESSION_IDLE_MS);
      const { secret } = await deps.store.dashboardSessions.create({
        token:
          caller.apiTokenId === null
            ? { kind: "admin", adminToken: deps.config.BRIDGEPORT_ADMIN_TOKEN ?? "" }
            : { kind: "stored", apiTokenId: caller.apiTokenId },
        actor: caller.actor,
        role: caller.role,
        maxAgeMs: SESSION_MAX_AGE_MS,
      });
      setSessionCookie(c, deps, secret);
      return c.redirect(next, 303);
    })
    .post("/sign-out", requireSession(deps), checkForm(deps, refusedPage), async (c) => {
      const secret = sessionSecret(c);
      if (secret) await deps.store.dashboardSessions.delete(secret);
      clearSessionCookie(c);
      return c.redirect("/sign-in", 303);
    });
}
