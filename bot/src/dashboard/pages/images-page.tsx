/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Image, Registry } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { ShortDigest } from "../ui/digest.js";
import { Empty } from "../ui/empty.js";
import type { FormState } from "../ui/form-state.js";
import { Time } from "../ui/time.js";
import { ImageForm } from "./image-form.js";
import { UpdateBadge } from "./update-badge.js";

/** One row's deployed digest: its display tag and short digest. */
export interface DeployedDigest {
  tag: string;
  digest: string;
}

/** Orchestration > Container Images: each image, what is deployed, whether an update waits. */
export function ImagesPage(props: {
  environmentId: string;
  images: readonly Image[];
  deployed: ReadonlyMap<string, DeployedDigest>;
  registries: readonly Registry[];
  session: SessionView;
  state: FormState;
}) {
  const registryName = new Map(props.registries.map((r) => [r.id, r.name]));
  return (
    <>
      <h1>Container Images</h1>
      <p class="lead">
        One image definition for every service that runs it; deploys pick one of its digests.
      </p>
      {props.images.length === 0 ? (
        <Empty>
          No container images yet: create one below
          {props.registries.length === 0 ? ", after adding a registry for it" : ""}.
        </Empty>
      ) : (
        <table>
          <caption class="muted">Container images</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Image</th>
              <th scope="col">Deployed</th>
              <th scope="col">Update</th>
              <th scope="col">Registry</th>
              <th scope="col">Checked</th>
            </tr>
          </thead>
          <tbody>
            {props.images.map((image) => {
              const deployed = props.deployed.get(image.id);
              return (
                <tr>
                  <td>
                    <a href={`/images/${image.id}`}>{image.name}</a>
                    {image.autoUpdate ? <span class="muted"> (auto-update)</span> : ""}
                  </td>
                  <td>
                    <code>{image.imageName}</code>
                    <br />
                    <span class="muted">tags: {image.tagFilter}</span>
                  </td>
                  <td>
                    {deployed ? (
                      <>
                        <strong>{deployed.tag || "untagged"}</strong> <ShortDigest digest={deployed.digest} />
                      </>
                    ) : (
                      <span class="muted">nothing recorded</span>
                    )}
                  </td>
                  <td>
                    <UpdateBadge image={image} />
                  </td>
                  <td>
                    {image.registryConnectionId
                      ? (registryName.get(image.registryConnectionId) ?? "")
                      : "none"}
                  </td>
                  <td>
                    <Time at={image.lastCheckedAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {allowed(props.session, "POST", "/api/environments/:envId/container-images") ? (
        <section class="panel" aria-labelledby="create-image">
          <h2 id="create-image">Create Image</h2>
          <ImageForm
            action={`/environments/${props.environmentId}/images`}
            csrf={props.session.csrf}
            state={props.state}
            registries={props.registries}
          />
        </section>
      ) : (
        ""
      )}
    </>
  );
}
