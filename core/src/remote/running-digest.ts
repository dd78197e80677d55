import { parseImageName, parseImageReference } from "../registry/reference.js";
import { pinnedDigest } from "./digest-reference.js";
import type { DockerEngine } from "./docker-engine.js";
import { inspectContainer, inspectImage } from "./docker-inspect.js";

/** What digest a container runs for one image repository, and how that was read, for people. */
export interface RepoDigestFinding {
  /** `sha256:...`, or null when the container's image has none for that repository. */
  digest: string | null;
  detail: string;
}

/**
 * The digest a container runs, as far as the registry of `imageName` is concerned: the image's
 * RepoDigests entry for that repository (the one the container names when it is pinned to a
 * digest). An image built or imported on the server, or pulled from another repository only, has
 * none: the finding says so instead of guessing.
 *
 * @example
 * repoDigestFor("web", "r.example.com/team/web:v1", ["r.example.com/team/web@sha256:ab…"], "r.example.com/team/web")
 * // => { digest: "sha256:ab…", detail: "container web runs r.example.com/team/web@sha256:ab…" }
 */
export function repoDigestFor(
  container: string,
  configured: string,
  repoDigests: readonly string[],
  imageName: string,
): RepoDigestFinding {
  const wanted = repositoryOf(imageName, parseImageName);
  const pinned = pinnedDigest(configured);
  const entries = repoDigests.filter((entry) => repositoryOf(entry, parseImageReference) === wanted);
  const entry = entries.find((e) => pinned !== null && e.endsWith(`@${pinned}`)) ?? entries[0];
  if (entry === undefined) {
    return {
      digest: null,
      detail: `container ${container} runs ${configured}, which has no registry digest for ${imageName}: it was not pulled by digest from that registry (built or imported on the server?), so no digest is recorded`,
    };
  }
  const digest = entry.slice(entry.indexOf("@") + 1);
  return { digest, detail: `container ${container} runs ${imageName}@${digest}` };
}

/**
 * Reads what a container runs (see {@link repoDigestFor}) and whether it is running now; null
 * when there is no container by that name.
 *
 * @example
 * await runningDigest(host.engine, "web", "r.example.com/team/web") // => { digest: "sha256:…", detail: "…" }
 */
export async function runningDigest(
  engine: DockerEngine,
  container: string,
  imageName: string,
): Promise<(RepoDigestFinding & { running: boolean }) | null> {
  const inspected = await inspectContainer(engine, container);
  if (inspected === null) return null;
  const image = await inspectImage(engine, inspected.Image);
  const finding = repoDigestFor(container, inspected.Config.Image, image?.RepoDigests ?? [], imageName);
  return { ...finding, running: inspected.State.Running };
}

function repositoryOf(
  name: string,
  parse: (text: string) => { registry: string; repository: string },
): string | null {
  try {
    const { registry, repository } = parse(name);
    return `${registry}/${repository}`;
  } catch {
    return null;
  }
}
