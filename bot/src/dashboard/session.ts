import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { BotDeps } from "../deps.js";
import type { AuthVariables } from "../http/auth.js";
import { requiredRole, roleAllows } from "../http/route-roles.js";
import { type FormFields, readForm } from "./form.js";
import { crossOriginProblem, servedOverHttps } from "./request-origin.js";

/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 8 * 3_600_000;
/** ...and this long after sign-in, whatever the activity. */
export const SESSION_MAX_AGE_MS = 24 * 3_600_000;

export const SESSION_COOKIE = "bridgeport_session";
/** The hidden field every dashboard form carries. */
export const CSRF_FIELD = "_csrf";

/** The signed-in caller as pages see it. */
export interface SessionView extends AuthVariables {
  /** This session's CSRF token, for the hidden field of every form. */
  csrf: string;
}

export type DashEnv = { Variables: { session: SessionView; form: FormFields } };

type SessionDeps = Pick<BotDeps, "store" | "config">;

/** Derived from the session's secret, so nothing more is stored and it dies with the session. */
const csrfToken = (secret: string) =>
  createHmac("sha256", secret).update("bridgeport dashboard csrf").digest("base64url");

const trustProxy = (deps: SessionDeps) => deps.config.TRUST_PROXY === "on";
const originRequest = (c: Context) => ({ url: c.req.url, header: (name: string) => c.req.header(name) });

/** The session cookie: HttpOnly, SameSite=Strict, Path=/, and Secure when served over https. */
export function setSessionCookie(c: Context, deps: SessionDeps, secret: string): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    secure: servedOverHttps(originRequest(c), trustProxy(deps)),
    sameSite: "Strict",
    path: "/",
    maxAge: SESSION_MAX_AGE_MS / 1000,
  });
}

export const clearSessionCookie = (c: Context) => deleteCookie(c, SESSION_COOKIE, { path: "/" });
export const sessionSecret = (c: Context) => getCookie(c, SESSION_COOKIE);

const lookup = (deps: SessionDeps) => ({
  idleMs: SESSION_IDLE_MS,
  adminToken: deps.config.BRIDGEPORT_ADMIN_TOKEN,
});

/**
 * Pages need a live session: without one a GET goes to the sign-in page (and comes back after),
 * anything else is sent there too. Pages are private and never cached; Server-Timing says
 * how long the page took after the session check.
 */
export function requireSession(deps: SessionDeps): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const secret = sessionSecret(c);
    const session = secret ? await deps.store.dashboardSessions.find(secret, lookup(deps)) : undefined;
    if (!secret || !session) {
      if (secret) clearSessionCookie(c);
      const back = new URL(c.req.url);
      const next = c.req.method === "GET" ? `?next=${encodeURIComponent(back.pathname + back.search)}` : "";
      return c.redirect(`/sign-in${next}`, 303);
    }
    c.set("session", { actor: session.actor, role: session.role, csrf: csrfToken(secret) });
    const started = performance.now();
    await next();
    c.header("cache-control", "no-store");
    // What the page cost the bot (reads and rendering), for the browser's tools and the benchmark.
    c.header("server-timing", `page;dur=${(performance.now() - started).toFixed(2)}`);
  };
}

/**
 * Every form post: from this bot's own origin (Origin, Sec-Fetch-Site), within the body limit,
 * and carrying the session's CSRF token (compared in constant time). The form is then `c.var.form`.
 */
export function checkForm(
  deps: SessionDeps,
  refuse: (c: Context, status: 403, message: string) => Response | Promise<Response>,
): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const problem = crossOriginProblem(originRequest(c), trustProxy(deps));
    if (problem) return refuse(c, 403, problem);
    const form = await readForm(c);
    if (form instanceof Response) return form;
    const sent = Buffer.from(form.get(CSRF_FIELD) ?? "");
    const expected = Buffer.from(c.var.session.csrf);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      return refuse(
        c,
        403,
        "This form is missing its security token or has an old one: reload the page and send it again.",
      );
    }
    c.set("form", form);
    return next();
  };
}

/** The sign-in form has no session yet: only the origin check applies. */
export function checkSignInOrigin(
  deps: SessionDeps,
  refuse: (c: Context, status: 403, message: string) => Response | Promise<Response>,
): MiddlewareHandler {
  return async (c, next) => {
    const problem = crossOriginProblem(originRequest(c), trustProxy(deps));
    return problem ? refuse(c, 403, problem) : next();
  };
}

/**
 * Whether the session's role allows an API route (method and pattern), by the API's own rule:
 * pages offer only the actions the API would accept from this caller.
 *
 * @example
 * allowed(session, "POST", "/api/container-images/:id/deploy") // true for deploy and admin
 */
export const allowed = (session: AuthVariables, method: string, route: string) =>
  roleAllows(session.role, requiredRole(method, route));
