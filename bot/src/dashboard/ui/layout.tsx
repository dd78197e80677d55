/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Environment } from "@bridgeport/core";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { assetPath } from "../assets.js";
import type { SessionView } from "../session.js";
import { PostForm } from "./post-form.js";

/** The sidebar's sections of an environment, in the seeds' order ("Orchestration > Registries"). */
export const ENVIRONMENT_SECTIONS = [
  ["registries", "Registries"],
  ["images", "Container Images"],
  ["services", "Services"],
  ["plans", "Deployment Plans"],
  ["servers", "Servers"],
] as const;
export type Section = (typeof ENVIRONMENT_SECTIONS)[number][0] | "deliveries" | "jobs" | "home";

/** Where a page sits: its environment (when it has one) and its sidebar section. */
export interface Place {
  environmentId?: string | undefined;
  section: Section;
}

export interface LayoutProps {
  title: string;
  session: SessionView;
  environments: readonly Environment[];
  place: Place;
  children: Child;
}

export const envPath = (environmentId: string, section: string) =>
  `/environments/${environmentId}/${section}`;

function Sidebar(props: { environments: readonly Environment[]; place: Place }) {
  const current = (env: string | undefined, section: Section) =>
    props.place.environmentId === env && props.place.section === section ? "page" : undefined;
  return (
    <nav class="sidebar" aria-label="Dashboard">
      <ul>
        <li>
          <a href="/" aria-current={current(undefined, "home")}>
            Environments
          </a>
        </li>
      </ul>
      {props.environments.map((env) => (
        <>
          <h2>{env.name}</h2>
          <ul>
            {ENVIRONMENT_SECTIONS.map(([section, label]) => (
              <li>
                <a href={envPath(env.id, section)} aria-current={current(env.id, section)}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </>
      ))}
      <h2>Activity</h2>
      <ul>
        <li>
          <a href="/deliveries" aria-current={current(undefined, "deliveries")}>
            Webhook deliveries
          </a>
        </li>
        <li>
          <a href="/jobs" aria-current={current(undefined, "jobs")}>
            Jobs
          </a>
        </li>
      </ul>
    </nav>
  );
}

/** The page every signed-in view shares: header, sidebar, main, and the confirm dialog's slot. */
export function Layout(props: LayoutProps) {
  return (
    <Document title={props.title}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Bridgeport
        </a>
        <span class="who">
          Signed in as {props.session.actor} ({props.session.role})
        </span>
        <PostForm action="/sign-out" csrf={props.session.csrf} class="inline">
          <button type="submit">Sign out</button>
        </PostForm>
      </header>
      <div class="frame">
        <Sidebar environments={props.environments} place={props.place} />
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </div>
      <dialog id="dialog" aria-label="Confirm" />
    </Document>
  );
}

/** The HTML document around any page, signed in or not. */
export function Document(props: { title: string; children: Child }) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title} · Bridgeport</title>
          <link rel="stylesheet" href={assetPath("dashboard.css")} />
          <script type="module" src={assetPath("dashboard.js")} />
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}
