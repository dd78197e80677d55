/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Image } from "../api-types.js";

/** Why no update is offered (the API's `updateReason` codes), in words. */
const NO_UPDATE: Record<string, string> = {
  up_to_date: "✓ up to date",
  no_newer_tag: "✓ up to date: no newer tag in the deployed tag's family",
  no_registry: "no registry connection configured for this image",
  no_deployed_digest: "no deployed digest recorded: deploy one to start tracking updates",
  no_digest_from_registry: "the registry returned no digest: no update can be told",
};

/** Update Available (with the tag it offers), or why there is none, in words. */
export function UpdateBadge(props: { image: Image }) {
  const { image } = props;
  if (image.updateAvailable) {
    return <span class="badge">⬆ Update available{image.latestTag ? `: ${image.latestTag}` : ""}</span>;
  }
  const reason =
    image.updateReason ?? (image.deployedDigestId === null ? "no_deployed_digest" : "up_to_date");
  return <span class="muted">{NO_UPDATE[reason] ?? reason.replaceAll("_", " ")}</span>;
}
