/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { Server, Service } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { Empty } from "../ui/empty.js";
import { Select } from "../ui/field.js";
import { ActionButton, PostForm } from "../ui/post-form.js";
import { serverAddress } from "./servers-page.js";
import { ServiceTable } from "./service-table.js";

/** What the last action on the server reported, shown above everything else. */
export interface ServerNotice {
  ok: boolean;
  title: string;
  lines?: readonly Child[];
}

/** One server: connection test, container discovery, image pruning, and its services. */
export function ServerPage(props: {
  server: Server;
  services: readonly Service[];
  session: SessionView;
  notice?: ServerNotice | undefined;
}) {
  const { server, session } = props;
  const base = `/servers/${server.id}`;
  const admin = allowed(session, "POST", "/api/servers/:id/prune-images");
  return (
    <>
      <h1>Server {server.name}</h1>
      <p class="lead">
        {server.mode} · <code>{serverAddress(server)}</code>
      </p>
      <div id="server-notice" role="status">
        {props.notice ? (
          <div class={props.notice.ok ? "alert alert-good" : "alert alert-bad"}>
            {props.notice.title}
            {props.notice.lines?.length ? (
              <ul>
                {props.notice.lines.map((line) => (
                  <li>{line}</li>
                ))}
              </ul>
            ) : (
              ""
            )}
          </div>
        ) : (
          ""
        )}
      </div>
      <dl class="facts panel">
        <dt>Host key</dt>
        <dd>{server.mode === "ssh" ? (server.hostKeyFingerprint ?? "not pinned") : "not used (socket)"}</dd>
        <dt>Credentials</dt>
        <dd>{server.hasSecret ? `a ${server.authKind ?? "secret"} is stored` : "none"}</dd>
        <dt>Platform</dt>
        <dd>{server.platform ?? "not set"}</dd>
      </dl>
      {admin ? (
        <div class="row">
          <ActionButton action={`${base}/test`} csrf={session.csrf} label="Test connection" />
          <ActionButton action={`${base}/discover`} csrf={session.csrf} label="Discover containers" />
          <PostForm action={`${base}/prune`} csrf={session.csrf} class="row" label="Prune images">
            <Select
              name="mode"
              label="Prune mode"
              state={{ values: {} }}
              options={[
                ["dangling", "dangling: untagged layers only (safe)"],
                ["all", "all: every image no running container uses"],
              ]}
            />
            <button
              type="submit"
              data-confirm="Prune images on this server? With 'all', rollback targets may need pulling again."
            >
              Prune images
            </button>
          </PostForm>
        </div>
      ) : (
        ""
      )}
      <h2>Services on this server</h2>
      {props.services.length === 0 ? (
        <Empty>
          No services on this server yet:{" "}
          <a href={`/environments/${server.environmentId}/services`}>add one</a> or discover its containers.
        </Empty>
      ) : (
        <ServiceTable caption="Services" services={props.services} />
      )}
    </>
  );
}
