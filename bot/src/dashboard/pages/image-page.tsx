/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { Digest, HistoryEntry, Image, Registry, Service } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { ShortDigest } from "../ui/digest.js";
import { Empty } from "../ui/empty.js";
import type { FormState } from "../ui/form-state.js";
import { ActionButton, PostForm } from "../ui/post-form.js";
import { Time } from "../ui/time.js";
import { DigestTable, digestLabel } from "./digest-table.js";
import { HistoryTable } from "./history-table.js";
import { ImageForm } from "./image-form.js";
import { LinkedServices } from "./linked-services.js";
import { UpdateBadge } from "./update-badge.js";

export interface ImagePageProps {
  image: Image;
  registries: readonly Registry[];
  digests: readonly Digest[];
  history: readonly HistoryEntry[];
  services: readonly Service[];
  serverNames: ReadonlyMap<string, string>;
  /** manifest digest -> label, for the digests the services run. */
  labels: ReadonlyMap<string, string>;
  session: SessionView;
  settings: FormState;
  notice?: { ok: boolean; text: Child } | undefined;
}

/** A container image (seed 001): its digests with a Deploy button each, services, history. */
export function ImagePage(props: ImagePageProps) {
  const { image, session } = props;
  const base = `/images/${image.id}`;
  const deployed = props.digests.find((d) => d.id === image.deployedDigestId);
  const registry = props.registries.find((r) => r.id === image.registryConnectionId);
  const admin = allowed(session, "PATCH", "/api/container-images/:id");
  return (
    <>
      <h1>{image.name}</h1>
      <p class="lead">
        <code>{image.imageName}</code> · tags {image.tagFilter} · registry {registry ? registry.name : "none"}{" "}
        · checked <Time at={image.lastCheckedAt} />
      </p>
      <div id="image-notice" role="status">
        {props.notice ? (
          <p class={props.notice.ok ? "alert alert-good" : "alert alert-bad"}>{props.notice.text}</p>
        ) : (
          ""
        )}
      </div>
      <dl class="facts panel">
        <dt>Deployed</dt>
        <dd>
          {deployed ? (
            <>
              <strong>{digestLabel(deployed, image.tagFilter)}</strong>{" "}
              <ShortDigest digest={deployed.manifestDigest} />
            </>
          ) : (
            <span class="muted">nothing recorded yet</span>
          )}
        </dd>
        <dt>Update</dt>
        <dd>
          <UpdateBadge image={image} />
          {image.updateReason && !image.updateAvailable ? (
            <span class="muted"> ({image.updateReason})</span>
          ) : (
            ""
          )}
        </dd>
        <dt>Auto-update</dt>
        <dd>
          {image.autoUpdate ? "on: new digests are deployed as they arrive" : "off"}{" "}
          {admin ? (
            <PostForm action={`${base}/auto-update`} csrf={session.csrf} class="inline">
              <button type="submit" name="autoUpdate" value={image.autoUpdate ? "off" : "on"}>
                {image.autoUpdate ? "Turn auto-update off" : "Turn auto-update on"}
              </button>
            </PostForm>
          ) : (
            ""
          )}
        </dd>
      </dl>
      <div class="row">
        {allowed(session, "POST", "/api/container-images/:id/check-updates") ? (
          <ActionButton action={`${base}/check-updates`} csrf={session.csrf} label="Check for updates" />
        ) : (
          ""
        )}
        <a class="button" href={`${base}/tags`}>
          Browse registry tags
        </a>
      </div>
      <h2>Linked services</h2>
      <LinkedServices
        services={props.services}
        serverNames={props.serverNames}
        labels={props.labels}
        environmentId={image.environmentId}
      />
      <h2>Digests</h2>
      {props.digests.length === 0 ? (
        <Empty>
          No digests yet: push a tag that matches {image.tagFilter}, or press Check for updates
          {registry ? "" : " once the image has a registry connection"}.
        </Empty>
      ) : (
        <DigestTable
          imageId={image.id}
          digests={props.digests}
          tagFilter={image.tagFilter}
          deployedDigestId={image.deployedDigestId}
          canDeploy={allowed(session, "POST", "/api/container-images/:id/deploy")}
        />
      )}
      <h2>History</h2>
      {props.history.length === 0 ? (
        <Empty>No deploys yet: pick a digest above and press Deploy.</Empty>
      ) : (
        <HistoryTable history={props.history} />
      )}
      {admin ? (
        <details class="panel" id="settings" open={props.settings.problem ? true : undefined}>
          <summary>Settings</summary>
          <ImageForm
            action={base}
            csrf={session.csrf}
            state={props.settings}
            registries={props.registries}
            editing
          />
        </details>
      ) : (
        ""
      )}
    </>
  );
}
