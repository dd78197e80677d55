/**
 * Image references in the OCI / Docker grammar, and Docker Hub's naming rules, in one place.
 * Everything that names an image (API input, webhook payload, discovered container) passes
 * through here before it reaches a registry request or a remote command.
 */

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?`;

const REPOSITORY_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export const DOCKER_HUB_DOMAIN = "docker.io";
/** The host that serves Docker Hub's Distribution API. */
export const DOCKER_HUB_API_HOST = "registry-1.docker.io";
const DOCKER_HUB_ALIASES = new Set([
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
]);

export interface ImageReference {
  /** Canonical registry domain, `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path inside the registry, `library/nginx` for Docker Hub official images. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

export class ImageReferenceError extends Error {
  override readonly name = "ImageReferenceError";
}

export const isValidTag = (tag: string): boolean => TAG_RE.test(tag);
export const isValidDigest = (digest: string): boolean => DIGEST_RE.test(digest);
export const isValidRepository = (repository: string): boolean =>
  repository.length <= 255 && REPOSITORY_RE.test(repository);
/** A registry host as image references name it: DNS name or [IPv6], optional port. */
export const isValidRegistryHost = (host: string): boolean => DOMAIN_RE.test(host);

/** Whether a registry domain names Docker Hub under any of its aliases. */
export const isDockerHub = (domain: string): boolean => DOCKER_HUB_ALIASES.has(domain.toLowerCase());

/**
 * Whether two registry hosts are one registry: host names compare without regard to case, and
 * Docker Hub's aliases are one host. Every check that decides where credentials may go asks
 * this, and nothing else.
 *
 * @example
 * sameRegistryHost("registry-1.docker.io", "docker.io")      // => true
 * sameRegistryHost("Registry.Example.com", "registry.example.com") // => true
 * sameRegistryHost("ghcr.io", "docker.io")                   // => false
 */
export function sameRegistryHost(a: string, b: string): boolean {
  const canonical = (host: string) => (isDockerHub(host) ? DOCKER_HUB_DOMAIN : host.toLowerCase());
  return canonical(a) === canonical(b);
}

/**
 * Parses `[registry/]repository[:tag][@digest]`, normalising Docker Hub names.
 *
 * @example
 * parseImageReference("nginx:1.27")
 * // => { registry: "docker.io", repository: "library/nginx", tag: "1.27", digest: null }
 * parseImageReference("127.0.0.1:5000/team/app@sha256:<64 hex>")
 * // => { registry: "127.0.0.1:5000", repository: "team/app", tag: null, digest: "sha256:..." }
 */
export function parseImageReference(input: string): ImageReference {
  const text = input.trim();
  if (text.length === 0 || text.length > 512)
    throw new ImageReferenceError("image reference must be 1 to 512 characters");
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest)) throw new ImageReferenceError(`invalid digest in image reference "${text}"`);
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw new ImageReferenceError(`invalid tag in image reference "${text}"`);
  }
  const { registry, repository } = splitName(rest, text);
  return { registry, repository, tag, digest };
}

/**
 * Why `name` is not an image name (a full path without tag or digest), in words for the person
 * who typed it; null when it is one.
 *
 * @example
 * imageNameProblem("ghcr.io/acme/web")    // => null
 * imageNameProblem("ghcr.io/acme/web:v1") // => 'a name without a tag: drop ":v1" (the tag filter picks the tags)'
 */
export function imageNameProblem(name: string): string | null {
  let ref: ImageReference;
  try {
    ref = parseImageReference(name);
  } catch (error) {
    return (error as Error).message;
  }
  if (ref.digest !== null)
    return `a name without a digest: drop "@${ref.digest}" (deploys choose the digest)`;
  if (ref.tag !== null) return `a name without a tag: drop ":${ref.tag}" (the tag filter picks the tags)`;
  return null;
}

/** Splits an image name (no tag or digest) into registry domain and repository, normalised. */
export function parseImageName(name: string): { registry: string; repository: string } {
  return splitName(name.trim(), name);
}

function splitName(name: string, original: string): { registry: string; repository: string } {
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const hasDomain =
    slash >= 0 &&
    (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  let registry = hasDomain ? first : DOCKER_HUB_DOMAIN;
  let repository = hasDomain ? name.slice(slash + 1) : name;
  if (hasDomain && !DOMAIN_RE.test(registry))
    throw new ImageReferenceError(`invalid registry host in "${original}"`);
  if (isDockerHub(registry)) {
    registry = DOCKER_HUB_DOMAIN;
    if (!repository.includes("/")) repository = `library/${repository}`;
  }
  if (!isValidRepository(repository)) {
    throw new ImageReferenceError(
      `invalid repository name in "${original}": use lowercase letters, digits and . _ - separators`,
    );
  }
  return { registry, repository };
}

/** Formats a pull reference by digest, the only form deploys use: `host/repo@sha256:...`. */
export function formatDigestReference(ref: { registry: string; repository: string }, digest: string): string {
  if (!isValidDigest(digest)) throw new ImageReferenceError("invalid digest");
  return `${ref.registry}/${ref.repository}@${digest}`;
}
