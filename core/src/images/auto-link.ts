import { parseImageName, type RegistryEndpoint, servesImage } from "../registry/index.js";

/**
 * The registry a discovered image is linked to (seed 000's auto-link): the first whose pattern
 * matches the image name and which serves the image's host. A pattern alone never links an
 * image of another registry, whose pulls would then carry this connection's credentials.
 *
 * @example
 * autoLinkRegistry("myapp-backend", [hub])                 // => hub (Docker Hub, pattern "myapp-*")
 * autoLinkRegistry("ghcr.io/someone-else/myapp-web", [hub]) // => undefined
 */
export function autoLinkRegistry<R extends RegistryEndpoint & { autoLinkPattern: string | null }>(
  imageName: string,
  registries: readonly R[],
): R | undefined {
  return registries.find(
    (r) => matchesAutoLinkPattern(imageName, r.autoLinkPattern) && servesImage(r, imageName),
  );
}

/**
 * Whether a discovered image name matches a registry's auto-link pattern (seed 000): `*` is
 * any run of characters; the pattern is tried against the full image name and its last path
 * segment, so `myapp-*` links `registry.example.com/team/myapp-backend` and
 * `registry.example.com/*` links every image of that registry. An empty pattern links nothing.
 *
 * @example
 * matchesAutoLinkPattern("registry.example.com/team/myapp-worker", "myapp-*") // => true
 */
export function matchesAutoLinkPattern(imageName: string, pattern: string | null | undefined): boolean {
  const trimmed = pattern?.trim();
  if (!trimmed) return false;
  const matches = (text: string) => wildcardMatch(trimmed, text);
  const name = imageName.trim();
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  let canonical: string | null = null;
  try {
    const parsed = parseImageName(name);
    canonical = `${parsed.registry}/${parsed.repository}`;
  } catch {
    canonical = null;
  }
  return matches(name) || matches(lastSegment) || (canonical !== null && matches(canonical));
}

/** `*` matches any run of characters; linear backtracking on the last star, no regex. */
function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== "*" && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}
