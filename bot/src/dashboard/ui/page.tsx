/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { BotDeps } from "../../deps.js";
import type { DashEnv } from "../session.js";
import { Document, Layout, type Place } from "./layout.js";

export interface PageProps {
  title: string;
  place: Place;
  status?: ContentfulStatusCode;
  children: Child;
}

/** Answers with a signed-in page: the layout (sidebar of every environment) around `children`. */
export async function page(c: Context<DashEnv>, deps: Pick<BotDeps, "store">, props: PageProps) {
  const environments = await deps.store.environments.list();
  return c.html(
    <Layout title={props.title} session={c.var.session} environments={environments} place={props.place}>
      {props.children}
    </Layout>,
    props.status ?? 200,
  );
}

/** A page with one message and a way on, for refusals before any session or layout exists. */
export function messagePage(c: Context, status: ContentfulStatusCode, title: string, message: string) {
  return c.html(
    <Document title={title}>
      <main id="main" class="narrow">
        <h1>{title}</h1>
        <p class="alert alert-bad" role="alert">
          {message}
        </p>
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </main>
    </Document>,
    status,
  );
}

/** The answer to a form that failed the session's checks (origin, CSRF token). */
export const refusedPage = (c: Context, status: 403, message: string) =>
  messagePage(c, status, "This request was refused", message);
