import {
  ARTIFACT,
  connectRegistry,
  describeDigest,
  parseImageName,
  type RegistryDeps,
} from "../registry/index.js";
import type { ContainerImage, ImageDigest, Store } from "../store/index.js";
import { newDigestRow } from "./digest-rows.js";
import { storedConnection } from "./stored-connection.js";

export interface LookupDigestDeps {
  store: Store;
  registries: RegistryDeps;
  now: () => Date;
}

/**
 * Finds a manifest the image's sync does not keep (pushed by digest only, or under a tag the
 * filter leaves out) in its registry and records the digest, untagged, so it can be deployed.
 * A digest already stored is returned as it is (its tags untouched). Undefined when the image
 * has no registry connection, the registry has no such manifest, or it is not an image
 * (a signature, an SBOM).
 *
 * @example
 * const digest = await lookupDigest(deps, image, "sha256:…"); // the stored row, or undefined
 */
export async function lookupDigest(
  deps: LookupDigestDeps,
  image: ContainerImage,
  reference: string,
): Promise<ImageDigest | undefined> {
  const registry = image.registryConnectionId
    ? await deps.store.registries.get(image.registryConnectionId)
    : undefined;
  if (!registry) return undefined;
  const { info } = await storedConnection(deps.store, registry);
  const { client } = connectRegistry(info, deps.registries);
  const { repository } = parseImageName(image.imageName);
  const head = await client.headManifest(repository, reference);
  if (!head) return undefined;
  const known = await deps.store.digests.findByManifestDigest(image.id, head.digest);
  if (known) return known;
  const details = await describeDigest(client, repository, head.digest, null, deps.registries.configs);
  if (details === ARTIFACT) return undefined; // a signature or an SBOM is not deployable
  await deps.store.digests.upsertMany(image.id, [newDigestRow(details, [], deps.now())]);
  return deps.store.digests.findByManifestDigest(image.id, head.digest);
}
