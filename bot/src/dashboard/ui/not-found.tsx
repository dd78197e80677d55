/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { BotDeps } from "../../deps.js";
import type { DashEnv } from "../session.js";
import { page } from "./page.js";

/** A 404 page for an id that is not (or no longer) there. */
export function notFoundPage(c: Context<DashEnv>, deps: Pick<BotDeps, "store">, what: string) {
  return page(c, deps, {
    title: `${what} not found`,
    place: { section: "home" },
    status: 404,
    children: (
      <>
        <h1>{what} not found</h1>
        <p>
          It may have been deleted. <a href="/">Back to the environments</a>
        </p>
      </>
    ),
  });
}
