import { parseImageName, type WebhookPush } from "@bridgeport/core";

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * A push as the receivers hand it on: the image name normalised the one way the rest of the
 * bot does it (Docker Hub's `library/`, lower-case hosts), a tag and digest only when they are
 * well-formed. Null when the name is not a valid image name: such a push matches nothing.
 *
 * @example
 * toPush("nginx", { tag: "1.27" }) // => { host: "docker.io", repository: "library/nginx", tag: "1.27", digest: null }
 */
export function toPush(
  name: string,
  parts: { tag?: string | null | undefined; digest?: string | null | undefined; anyHost?: boolean },
): WebhookPush | null {
  let parsed: { registry: string; repository: string };
  try {
    parsed = parseImageName(name);
  } catch {
    return null;
  }
  const tag = parts.tag && TAG.test(parts.tag) ? parts.tag : null;
  const digest = parts.digest && DIGEST.test(parts.digest) ? parts.digest : null;
  return { host: parts.anyHost ? null : parsed.registry, repository: parsed.repository, tag, digest };
}
