import { isValidRepository, parseImageName, type WebhookPush } from "@bridgeport/core";

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * A push as the receivers hand it on: the image name normalised the one way the rest of the
 * bot does it (Docker Hub's `library/`, lower-case hosts), a tag and digest only when they are
 * well-formed. Null when the name is not a valid image name: such a push matches nothing.
 * With `anyHost` the name is a bare repository on a host the sender does not name (ECR), so
 * no Docker Hub `library/` is added.
 *
 * @example
 * toPush("nginx", { tag: "1.27" }) // => { host: "docker.io", repository: "library/nginx", tag: "1.27", digest: null }
 */
export function toPush(
  name: string,
  parts: { tag?: string | null | undefined; digest?: string | null | undefined; anyHost?: boolean },
): WebhookPush | null {
  const tag = parts.tag && TAG.test(parts.tag) ? parts.tag : null;
  const digest = parts.digest && DIGEST.test(parts.digest) ? parts.digest : null;
  if (parts.anyHost) return isValidRepository(name) ? { host: null, repository: name, tag, digest } : null;
  try {
    const { registry, repository } = parseImageName(name);
    return { host: registry, repository, tag, digest };
  } catch {
    return null;
  }
}
