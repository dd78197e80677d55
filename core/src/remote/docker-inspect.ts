import { parseImageReference } from "../registry/reference.js";
import { assertContainerName } from "./container-name.js";
import type { DockerEngine } from "./docker-engine.js";
import {
  type ContainerInspect,
  containerInspectSchema,
  containerListSchema,
  type ImageInspect,
  imageInspectSchema,
} from "./docker-schemas.js";

/**
 * The container's full inspect answer, or null when there is none by that name.
 *
 * @example
 * const web = await inspectContainer(host.engine, "web");
 * web?.State.Running // => true
 */
export async function inspectContainer(engine: DockerEngine, name: string): Promise<ContainerInspect | null> {
  const path = `/containers/${encodeURIComponent(assertContainerName(name))}/json`;
  return engine.jsonOrNull("GET", path, containerInspectSchema);
}

/**
 * An image's inspect answer by id or reference, or null when the engine does not have it.
 *
 * @example
 * (await inspectImage(host.engine, "127.0.0.1:5000/team/app@sha256:..."))?.RepoDigests
 */
export function inspectImage(engine: DockerEngine, image: string): Promise<ImageInspect | null> {
  // The Engine API takes a reference's '/', ':' and '@' unescaped in this path; nothing else passes.
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/.test(image) || image.includes(".."))
    return Promise.reject(new Error(`invalid image reference "${image}"`));
  return engine.jsonOrNull("GET", `/images/${image}/json`, imageInspectSchema);
}

/** What a container runs: its image as configured and the registry digest it was pulled by. */
export interface RunningImage {
  /** The container's configured image (`Config.Image`), e.g. `team/app@sha256:...` or `nginx:1.27`. */
  configured: string;
  imageId: string;
  /** `sha256:...` of the manifest it was pulled by, or null for a locally built or imported image. */
  digest: string | null;
  /** The matching RepoDigests entry, `repo@sha256:...`. */
  repoDigest: string | null;
}

/**
 * Which registry digest a container runs, from its image's RepoDigests: the entry for the
 * repository the container was configured with, else the only entry there is.
 *
 * @example
 * await imageDigestOf(host.engine, await inspectContainer(host.engine, "web"))
 * // => { configured: "127.0.0.1:5000/team/web@sha256:ab..", imageId: "sha256:..", digest: "sha256:ab..", repoDigest: ".." }
 */
export async function imageDigestOf(
  engine: DockerEngine,
  container: ContainerInspect,
): Promise<RunningImage> {
  const configured = container.Config.Image;
  const image = await inspectImage(engine, container.Image);
  const repoDigests = image?.RepoDigests ?? [];
  const repoDigest = matchRepoDigest(configured, repoDigests);
  return {
    configured,
    imageId: container.Image,
    digest: repoDigest === null ? null : repoDigest.slice(repoDigest.indexOf("@") + 1),
    repoDigest,
  };
}

/** Picks the RepoDigests entry of `configured`'s repository (Docker Hub names normalised). */
export function matchRepoDigest(configured: string, repoDigests: readonly string[]): string | null {
  const wanted = repositoryKey(configured);
  const pinned = configured.includes("@") ? configured.slice(configured.indexOf("@") + 1) : null;
  const sameRepository = repoDigests.filter((entry) => repositoryKey(entry) === wanted);
  const exact = sameRepository.find((entry) => pinned !== null && entry.endsWith(`@${pinned}`));
  if (exact !== undefined) return exact;
  if (sameRepository.length > 0) return sameRepository[0] ?? null;
  return repoDigests.length === 1 ? (repoDigests[0] ?? null) : null;
}

function repositoryKey(reference: string): string | null {
  try {
    const parsed = parseImageReference(reference);
    return `${parsed.registry}/${parsed.repository}`;
  } catch {
    return null;
  }
}

/** One container found on a server, for discovery. */
export interface DiscoveredContainer {
  id: string;
  name: string;
  image: string;
  imageId: string;
  repoDigests: string[];
  labels: Record<string, string>;
  state: string;
}

/**
 * Every container on the server, running or not, with the repo digests of its image.
 *
 * @example
 * (await listContainers(host.engine)).map((c) => `${c.name} ${c.image}`)
 */
export async function listContainers(engine: DockerEngine): Promise<DiscoveredContainer[]> {
  const summaries = await engine.json("GET", "/containers/json", containerListSchema, {
    query: { all: true },
  });
  const digestsById = new Map<string, string[]>();
  for (const imageId of new Set(summaries.map((summary) => summary.ImageID))) {
    const image = await inspectImage(engine, imageId);
    digestsById.set(imageId, image?.RepoDigests ?? []);
  }
  return summaries.map((summary) => ({
    id: summary.Id,
    name: (summary.Names[0] ?? summary.Id).replace(/^\//, ""),
    image: summary.Image,
    imageId: summary.ImageID,
    repoDigests: digestsById.get(summary.ImageID) ?? [],
    labels: summary.Labels ?? {},
    state: summary.State,
  }));
}
