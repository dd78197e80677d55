/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ApiProblem } from "../api-client.js";
import type { Digest, Image, Service } from "../api-types.js";
import type { SessionView } from "../session.js";
import { ShortDigest } from "../ui/digest.js";
import { PostForm } from "../ui/post-form.js";
import { digestLabel } from "./digest-table.js";

export interface DeployConfirmProps {
  image: Image;
  digest: Digest;
  /** The services the deploy is for: every linked one, or the one whose Deploy card it came from. */
  services: readonly Service[];
  serverNames: ReadonlyMap<string, string>;
  labels: ReadonlyMap<string, string>;
  scopedTo?: string | undefined;
  session: SessionView;
  problem?: ApiProblem | undefined;
}

/**
 * "Deploy v1.2.0?": names every service and server the deploy changes (and those already on
 * this digest). The script shows this part in a dialog; without it, it is a page of its own.
 */
export function DeployConfirm(props: DeployConfirmProps) {
  const { image, digest } = props;
  const label = digestLabel(digest, image.tagFilter);
  const changed = props.services.filter((s) => s.deployedDigest !== digest.manifestDigest);
  return (
    <div data-dialog-content class="confirm">
      <h2 id="deploy-title">
        Deploy {label} of {image.name}?
      </h2>
      <p>
        <ShortDigest digest={digest.manifestDigest} /> to {changed.length} of {props.services.length}{" "}
        service(s):
      </p>
      <ul aria-labelledby="deploy-title">
        {props.services.map((s) => (
          <li>
            <strong>{s.name}</strong> on server{" "}
            <strong>{props.serverNames.get(s.serverId) ?? s.serverId}</strong>
            {s.deployedDigest === digest.manifestDigest
              ? " — already runs this digest: no change"
              : ` — from ${s.deployedDigest ? (props.labels.get(s.deployedDigest) ?? s.deployedDigest.slice(0, 19)) : "an unrecorded digest"}`}
          </li>
        ))}
      </ul>
      {props.problem ? (
        <p class="alert alert-bad" role="alert">
          {props.problem.message}
        </p>
      ) : (
        ""
      )}
      <PostForm action={`/images/${image.id}/deploy`} csrf={props.session.csrf}>
        <input type="hidden" name="imageDigestId" value={digest.id} />
        {props.scopedTo ? <input type="hidden" name="serviceId" value={props.scopedTo} /> : ""}
        <div class="field field-check">
          <input id="f-autoRollback" type="checkbox" name="autoRollback" checked />
          <label for="f-autoRollback">Roll every changed service back if a health check fails</label>
        </div>
        <div class="row">
          <button type="submit" class="primary" autofocus>
            Deploy {label}
          </button>
          <a class="button" href={`/images/${image.id}`} data-close>
            Cancel
          </a>
        </div>
      </PostForm>
    </div>
  );
}
