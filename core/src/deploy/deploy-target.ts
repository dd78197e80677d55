import { lookupDigest } from "../images/lookup-digest.js";
import {
  isValidDigest,
  isValidTag,
  parseImageName,
  type RegistryDeps,
  RegistryError,
} from "../registry/index.js";
import type { ContainerImage, Environment, ImageDigest, Store } from "../store/index.js";
import { shortDigest } from "./plan-report.js";

/** What to deploy: an exact digest, or a tag resolved to one. */
export type DeployRef = { digest: string } | { tag: string };

export interface DeployTargetQuery {
  /** Environment name or id. */
  environment: string;
  /** Image name as configured (`registry/repo`, Docker Hub short forms too), display name, or id. */
  image: string;
  ref: DeployRef;
}

/** The resolution's dependencies from the bot's: the shared syncer, and lookups through the registry. */
export function deployTargetDeps(deps: {
  store: Store;
  syncer: { sync(image: ContainerImage): Promise<unknown> };
  registries: RegistryDeps;
}): DeployTargetDeps {
  const { store, registries } = deps;
  return {
    store,
    sync: (image) => deps.syncer.sync(image),
    lookup: (image, reference) =>
      lookupDigest({ store, registries, now: () => new Date() }, image, reference),
  };
}

export interface DeployTargetDeps {
  store: Store;
  /** Brings the image's digests up to date from its registry (the shared ImageSyncer). */
  sync(image: ContainerImage): Promise<unknown>;
  /**
   * Asks the registry for a reference the sync did not store (pushed by digest, or under a tag
   * the filter leaves out) and records its digest. Undefined when the registry has no such manifest.
   */
  lookup(image: ContainerImage, reference: string): Promise<ImageDigest | undefined>;
}

/** A digest offered in an error, so the reader can pick the right one. */
export interface DigestCandidate {
  digest: string;
  tags: string[];
  pushedAt: Date;
}

export type DeployTarget =
  | { kind: "resolved"; environment: Environment; image: ContainerImage; digest: ImageDigest }
  | {
      kind: "not_found" | "invalid";
      field: "environment" | "image" | "digest" | "tag";
      message: string;
      /** For an unknown digest or tag: the image's newest digests. */
      candidates?: DigestCandidate[];
    }
  /** The registry failed the lookup: the message quotes its answer and says what to do. */
  | { kind: "registry_error"; field: "digest" | "tag"; message: string; status: number };

/** The fix for the most common wrong digest, said the same way wherever it is found. */
const LOCAL_IMAGE_ID =
  "this is a local image ID, not a registry digest: use the digest from `docker push` or the image's digests list";

const CANDIDATES = 5;

/**
 * Finds what a deploy by name means: the environment, the image in it, and the stored digest.
 * A digest or tag the store does not know yet is looked for in the registry (sync, then one
 * lookup) before it is called unknown; the answer then lists the image's newest digests and,
 * for a digest, which other image it belongs to. A local image ID (the config digest `docker
 * import` or `docker images` print) is named as such, and a registry failure is an answer that
 * quotes the registry, never an exception.
 *
 * @example
 * const target = await resolveDeployTarget(deps, {
 *   environment: "production", image: "registry.example.com/team/api", ref: { digest: "sha256:…" },
 * });
 * if (target.kind === "resolved") requestDeploy(store, { containerImageId: target.image.id, … });
 */
export async function resolveDeployTarget(
  deps: DeployTargetDeps,
  query: DeployTargetQuery,
): Promise<DeployTarget> {
  const { store } = deps;
  const reference = "digest" in query.ref ? query.ref.digest : query.ref.tag;
  const field = "digest" in query.ref ? "digest" : "tag";
  if (field === "digest" && !isValidDigest(reference)) {
    return {
      kind: "invalid",
      field,
      message: "digest must be sha256: followed by 64 lowercase hex characters",
    };
  }
  if (field === "tag" && !isValidTag(reference)) {
    return {
      kind: "invalid",
      field,
      message: "tag must be 1-128 characters of letters, digits, _ . - (not starting with . or -)",
    };
  }

  const environments = await store.environments.list();
  const environment =
    environments.find((e) => e.id === query.environment) ??
    (await store.environments.findByName(query.environment));
  if (!environment) {
    return {
      kind: "not_found",
      field: "environment",
      message: `Environment "${query.environment}" not found; environments: ${names(environments.map((e) => e.name))}`,
    };
  }
  const images = await store.images.list({ environmentId: environment.id });
  const image = images.find((i) => imageMatches(i, query.image));
  if (!image) {
    return {
      kind: "not_found",
      field: "image",
      message: `No container image "${query.image}" in environment "${environment.name}"; images there: ${names(images.map((i) => i.imageName))}`,
    };
  }

  const find = (digests: readonly ImageDigest[]) =>
    digests.find((d) => (field === "digest" ? d.manifestDigest === reference : d.tags.includes(reference)));
  const imageIdOf = (digests: readonly ImageDigest[]) =>
    field === "digest" ? digests.find((d) => d.configDigest === reference) : undefined;
  let digest = find(await store.digests.listForImage(image.id));
  if (!digest) {
    await deps.sync(image);
    const synced = await store.digests.listForImage(image.id);
    const local = imageIdOf(synced);
    if (local) {
      return {
        kind: "invalid",
        field: "digest",
        message: `${shortDigest(reference)}: ${LOCAL_IMAGE_ID} (it is the image ID of ${describe(local)} in ${image.imageName})`,
      };
    }
    try {
      digest = find(synced) ?? (await deps.lookup(image, reference));
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      return registryRefusal(error, field, reference, image);
    }
  }
  if (digest) return { kind: "resolved", environment, image, digest };

  const candidates = (await store.digests.listForImage(image.id)).slice(0, CANDIDATES).map((d) => ({
    digest: d.manifestDigest,
    tags: d.tags,
    pushedAt: d.pushedAt,
  }));
  const elsewhere = field === "digest" ? await ownerOf(store, reference, image.id) : undefined;
  const newest = candidates.length
    ? `; its newest digests: ${candidates.map((c) => describe({ manifestDigest: c.digest, tags: c.tags })).join("; ")}`
    : "; it has no digests yet";
  const owner = elsewhere ? ` It belongs to ${elsewhere}.` : "";
  return {
    kind: "not_found",
    field,
    message: `${field === "digest" ? shortDigest(reference) : `Tag "${reference}"`} is not in ${image.imageName}${newest}.${owner}`,
    candidates,
  };
}

/**
 * Whether `wanted` names the image: its id, its display name, or its image name in any
 * spelling of the same registry and repository (`nginx` is `docker.io/library/nginx`).
 *
 * @example
 * imageMatches({ id: "ci_1", name: "web", imageName: "docker.io/library/nginx" }, "nginx") // => true
 */
export function imageMatches(
  image: Pick<ContainerImage, "id" | "name" | "imageName">,
  wanted: string,
): boolean {
  if (image.id === wanted || image.imageName === wanted || image.name === wanted) return true;
  try {
    const a = parseImageName(image.imageName);
    const b = parseImageName(wanted);
    return a.registry === b.registry && a.repository === b.repository;
  } catch {
    return false;
  }
}

/** `sha256:3f1c9a0b7d2e (v1.2.0, latest)`: a digest as people pick it from a list. */
function describe(digest: Pick<ImageDigest, "manifestDigest" | "tags">): string {
  return `${shortDigest(digest.manifestDigest)} (${digest.tags.join(", ") || "untagged"})`;
}

/** The registry's answer, quoted, with what to do about it (a 502: the registry failed, not the request). */
function registryRefusal(
  error: RegistryError,
  field: "digest" | "tag",
  reference: string,
  image: ContainerImage,
): DeployTarget {
  const what = field === "digest" ? shortDigest(reference) : `tag "${reference}"`;
  const answer =
    error.status === 0
      ? `the registry did not answer (${error.message})`
      : `the registry answered ${error.message}`;
  const fix =
    error.status === 401 || error.status === 403
      ? `check the credentials of the image's registry connection (POST /api/registries/${image.registryConnectionId}/test)`
      : error.status >= 500 && field === "digest"
        ? // Registries answer a config digest asked for as a manifest with a 5xx (distribution 2.x).
          `if ${what} is what \`docker import\` or \`docker images\` printed, ${LOCAL_IMAGE_ID}; otherwise try again once the registry is healthy`
        : error.temporary
          ? "try again once the registry is reachable and healthy"
          : `check the ${field}`;
  return {
    kind: "registry_error",
    field,
    message: `Looking up ${what} in ${image.imageName}: ${answer}: ${fix}`,
    status: error.status,
  };
}

async function ownerOf(store: Store, digest: string, exceptImageId: string): Promise<string | undefined> {
  for (const image of await store.images.list()) {
    if (image.id === exceptImageId) continue;
    if (await store.digests.findByManifestDigest(image.id, digest)) {
      const environment = await store.environments.get(image.environmentId);
      return `image ${image.imageName} in environment "${environment?.name ?? image.environmentId}"`;
    }
  }
  return undefined;
}

function names(list: readonly string[]): string {
  return list.length ? list.join(", ") : "none";
}
