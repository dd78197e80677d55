import { storedConnection } from "../images/index.js";
import { type RegistryDeps, resolveProvider } from "../registry/index.js";
import { type RegistryAccess, registryLoginFor } from "../remote/index.js";
import type { Store } from "../store/index.js";
import { NO_REGISTRY } from "./targets/index.js";

/**
 * The credentials a plan's servers pull the image with: its registry connection's active
 * credential version, or none for an image without a connection (or a public registry).
 *
 * @example
 * await registryAccess({ store, registries }, image.id)
 * // => { registryId: "reg_1", credentialVersion: 2, login: { server: "registry.example.com", ... } }
 */
export async function registryAccess(
  deps: { store: Store; registries: RegistryDeps },
  imageId: string,
): Promise<RegistryAccess> {
  const image = await deps.store.images.get(imageId);
  if (!image?.registryConnectionId) return NO_REGISTRY;
  const registry = await deps.store.registries.get(image.registryConnectionId);
  if (!registry) return NO_REGISTRY;
  const { info, credentialVersion } = await storedConnection(deps.store, registry);
  const provider = resolveProvider(info, deps.registries);
  return {
    registryId: registry.id,
    credentialVersion,
    login: await registryLoginFor(provider, image.imageName),
  };
}
