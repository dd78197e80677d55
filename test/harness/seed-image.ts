import type { ContainerImage, Environment, RegistryConnection, Store } from "@bridgeport/core";
import type { RegistryInfo } from "./registry.js";

export interface SeedRegistryImageOptions {
  /** The environment's name. */
  environment: string;
  /** The registry connection's name. */
  connection: string;
  /** The image's name in the store. */
  name: string;
  /** A repository in `registry`: the image is `${registry.host}/${repository}`. */
  repository: string;
  tagFilter: string;
  /** Default false. */
  autoUpdate?: boolean;
}

export interface SeededRegistryImage {
  environment: Environment;
  connection: RegistryConnection;
  image: ContainerImage;
}

/**
 * Creates an environment, a generic registry connection to `registry` with its credentials, and an
 * image of `repository` on that connection. Nothing is synced.
 *
 * @example
 * const { environment, image } = await seedRegistryImage(store, basic, {
 *   environment: "staging",
 *   connection: "lab",
 *   name: "web",
 *   repository: "team/web",
 *   tagFilter: "v*.*.*",
 * });
 */
export async function seedRegistryImage(
  store: Store,
  registry: Pick<RegistryInfo, "url" | "host" | "username" | "password">,
  options: SeedRegistryImageOptions,
): Promise<SeededRegistryImage> {
  const environment = await store.environments.create({ name: options.environment });
  const connection = await store.registries.create({
    environmentId: environment.id,
    name: options.connection,
    type: "generic",
    registryUrl: registry.url,
    secrets: { username: registry.username, password: registry.password },
  });
  const image = await store.images.create({
    environmentId: environment.id,
    name: options.name,
    imageName: `${registry.host}/${options.repository}`,
    tagFilter: options.tagFilter,
    registryConnectionId: connection.id,
    autoUpdate: options.autoUpdate ?? false,
  });
  return { environment, connection, image };
}
