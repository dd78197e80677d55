import { ImageReferenceError, isValidDigest, parseImageReference } from "../registry/reference.js";

/** A pull reference pinned by digest, split the way the docker CLI and Engine API want it. */
export interface DigestReference {
  /** `name@sha256:...`, exactly as given. */
  reference: string;
  /** The image name without the digest, as given (`127.0.0.1:5000/team/app`, `nginx`). */
  name: string;
  /** Canonical registry domain (`docker.io` for Docker Hub), for matching RepoDigests. */
  registry: string;
  /** Canonical repository path (`library/nginx` on Docker Hub). */
  repository: string;
  digest: string;
}

/**
 * Accepts only `repo@sha256:<64 hex>`: deploys pin a digest and never follow a tag, and nothing
 * else reaches a docker command or an Engine API path.
 *
 * @example
 * parseDigestReference("127.0.0.1:5000/team/app@sha256:" + "a".repeat(64)).repository // => "team/app"
 * parseDigestReference("team/app:latest") // throws ImageReferenceError
 */
export function parseDigestReference(input: string): DigestReference {
  if (input !== input.trim()) throw new ImageReferenceError("image reference has surrounding whitespace");
  const parsed = parseImageReference(input);
  if (parsed.digest === null || !parsed.digest.startsWith("sha256:") || !isValidDigest(parsed.digest))
    throw new ImageReferenceError(
      `deploys need a reference pinned by digest (repo@sha256:<64 hex>), got "${input}"`,
    );
  if (parsed.tag !== null)
    throw new ImageReferenceError(`a deploy reference carries a digest only, not a tag: "${input}"`);
  return {
    reference: input,
    name: input.slice(0, input.indexOf("@")),
    registry: parsed.registry,
    repository: parsed.repository,
    digest: parsed.digest,
  };
}

/**
 * The `sha256:...` a reference is pinned to (`repo@sha256:...`, `repo:tag@sha256:...`), else null.
 *
 * @example
 * pinnedDigest("registry.example.com/web:v1@sha256:ab…") // => "sha256:ab…"
 * pinnedDigest("registry.example.com/web:v1") // => null
 */
export function pinnedDigest(reference: string): string | null {
  const at = reference.lastIndexOf("@");
  return at < 0 ? null : reference.slice(at + 1);
}
