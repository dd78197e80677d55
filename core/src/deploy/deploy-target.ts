import { lookupDigest } from "../images/lookup-digest.js";
import { isValidDigest, isValidTag, parseImageName, type RegistryDeps } from "../registry/index.js";
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
    };

const CANDIDATES = 5;

/**
 * Finds what a deploy by name means: the environment, the image in it, and the stored digest.
 * A digest or tag the store does not know yet is looked for in the registry (sync, then one
 * lookup) before it is called unknown; the answer then lists the image's newest digests and,
 * for a digest, which other image it belongs to.
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
  let digest = find(await store.digests.listForImage(image.id));
  if (!digest) {
    await deps.sync(image);
    digest = find(await store.digests.listForImage(image.id)) ?? (await deps.lookup(image, reference));
  }
  if (digest) return { kind: "resolved", environment, image, digest };

  const candidates = (await store.digests.listForImage(image.id)).slice(0, CANDIDATES).map((d) => ({
    digest: d.manifestDigest,
    tags: d.tags,
    pushedAt: d.pushedAt,
  }));
  const elsewhere = field === "digest" ? await ownerOf(store, reference, image.id) : undefined;
  const newest = candidates.length
    ? `; its newest digests: ${candidates.map((c) => `${shortDigest(c.digest)} (${c.tags.join(", ") || "untagged"})`).join("; ")}`
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
