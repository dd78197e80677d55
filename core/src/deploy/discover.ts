import { autoLinkRegistry } from "../images/index.js";
import { parseImageReference } from "../registry/index.js";
import type { DockerHost } from "../remote/index.js";
import { type DiscoveredContainer, listContainers, repoDigestFor } from "../remote/index.js";
import type { Server, Store } from "../store/index.js";

export interface DiscoveryReport {
  imagesCreated: string[];
  servicesCreated: string[];
  servicesLinked: string[];
  /** Containers left alone, with why (Bridgeport's own parked containers, unreadable image names). */
  skipped: { container: string; reason: string }[];
  /** Services created or linked without a known digest, with why (never pulled by digest from there). */
  withoutDigest: { container: string; reason: string }[];
}

/**
 * Container discovery (seed 001): every container on a server becomes a Service linked to the
 * ContainerImage of its image name, creating the image when the environment has none, and
 * linking a new image to the registry whose auto-link pattern matches it. The digest a service
 * runs is its image's repo digest for that image's repository; none (and the report says why)
 * when the image was never pulled by digest from there.
 */
export async function discoverServer(
  store: Store,
  server: Server,
  host: DockerHost,
): Promise<DiscoveryReport> {
  const report: DiscoveryReport = {
    imagesCreated: [],
    servicesCreated: [],
    servicesLinked: [],
    skipped: [],
    withoutDigest: [],
  };
  const registries = await store.registries.list({ environmentId: server.environmentId });
  const existing = await store.services.list({ serverId: server.id });
  for (const container of await listContainers(host.engine)) {
    if (/\.bridgeport-(previous|next)$/.test(container.name)) {
      report.skipped.push({ container: container.name, reason: "a deploy's parked container" });
      continue;
    }
    const imageName = imageNameOf(container);
    if (!imageName) {
      report.skipped.push({
        container: container.name,
        reason: `image "${container.image}" is not a registry reference`,
      });
      continue;
    }
    let image = await store.images.findByImageName(server.environmentId, imageName);
    if (!image) {
      const registry = autoLinkRegistry(imageName, registries);
      image = await store.images.create({
        environmentId: server.environmentId,
        name: imageName.slice(imageName.lastIndexOf("/") + 1),
        imageName,
        tagFilter: tagOf(container.image) ?? "latest",
        registryConnectionId: registry?.id ?? null,
      });
      report.imagesCreated.push(image.imageName);
    }
    const running = repoDigestFor(container.name, container.image, container.repoDigests, imageName);
    const deployedDigest = running.digest;
    const service = existing.find((s) => s.containerName === container.name);
    const recorded = !service || service.containerImageId !== image.id;
    if (recorded && deployedDigest === null)
      report.withoutDigest.push({ container: container.name, reason: running.detail });
    if (!service) {
      await store.services.create({
        serverId: server.id,
        containerImageId: image.id,
        name: container.name,
        containerName: container.name,
        deployedDigest,
      });
      report.servicesCreated.push(container.name);
    } else if (service.containerImageId !== image.id) {
      await store.services.update(service.id, { containerImageId: image.id, deployedDigest });
      report.servicesLinked.push(container.name);
    }
  }
  return report;
}

/** `registry/repository` of a container's image, as ContainerImage.imageName stores it. */
function imageNameOf(container: DiscoveredContainer): string | null {
  for (const candidate of [container.image, ...container.repoDigests]) {
    if (/^sha256:[a-f0-9]{64}$/.test(candidate)) continue; // an image id, not a name
    try {
      const ref = parseImageReference(candidate);
      return `${ref.registry}/${ref.repository}`;
    } catch {
      // sha256 image ids and local names without a registry path are not references.
    }
  }
  return null;
}

function tagOf(image: string): string | null {
  try {
    return parseImageReference(image).tag;
  } catch {
    return null;
  }
}
