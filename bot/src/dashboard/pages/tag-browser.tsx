/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { humanSize } from "@bridgeport/core";
import type { TagDetail } from "../../http/registry-connection.js";
import type { ApiProblem } from "../api-client.js";
import type { Image } from "../api-types.js";
import { ShortDigest } from "../ui/digest.js";
import { Time } from "../ui/time.js";

/** Seed 001's tag browser: every tag in the repository, filter or not, as the registry has it. */
export function TagBrowser(props: { image: Image; tags: readonly TagDetail[] | null; problem?: ApiProblem }) {
  return (
    <>
      <h1>Tags of {props.image.name}</h1>
      <p class="lead">
        Every tag of <code>{props.image.imageName}</code> in the registry, newest first, including those
        outside the tag filter ({props.image.tagFilter}).{" "}
        <a href={`/images/${props.image.id}`}>Back to the image</a>
      </p>
      {props.problem ? (
        <p class="alert alert-bad" role="alert">
          {props.problem.message}
        </p>
      ) : (
        ""
      )}
      {props.tags ? (
        <table>
          <caption class="muted">Registry tags</caption>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Digest</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {props.tags.map((t) => (
              <tr>
                <td>
                  <code>{t.tag}</code>
                </td>
                <td>
                  <ShortDigest digest={t.digest} />
                </td>
                <td>{t.size === null ? <span class="muted">unknown</span> : humanSize(t.size)}</td>
                <td>
                  <Time at={t.updatedAt} never="unknown" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ""
      )}
    </>
  );
}
