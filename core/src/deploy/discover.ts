import { autoLinkRegistry } from "../images/index.js";
import {
  type KubeCluster,
  listClusterWorkloads,
  type WorkloadRef,
  workloadDigest,
} from "../kubernetes/index.js";
import { parseImageReference } from "../registry/index.js";
import type { DockerHost, RepoDigestFinding } from "../remote/index.js";
import { listContainers, listSwarmServices, pinnedDigest, repoDigestFor } from "../remote/index.js";
import type { Server, ServiceKind, Store } from "../store/index.js";

export interface DiscoveryReport {
  imagesCreated: string[];
  servicesCreated: string[];
  servicesLinked: string[];
  /** Containers left alone, with why (Bridgeport's own parked containers, unreadable image names). */
  skipped: { container: string; reason: string }[];
  /** Services created or linked without a known digest, with why (never pulled by digest from there). */
  withoutDigest: { container: string; reason: string }[];
}

/** A container, Swarm service or workload container found on a server, as discovery turns it into a Service. */
interface Found {
  name: string;
  kind: ServiceKind;
  /** A workload's container: where it is (its `name` is then the workload's). */
  workload?: WorkloadRef;
  /** How the report names it (default `name`). */
  label?: string;
  /** The image as configured (`registry/repo:tag`, `...@sha256:...`). */
  image: string;
  /** Registry references it is known by, besides `image` (a container image's RepoDigests). */
  references: readonly string[];
  /** The digest it runs of `imageName`'s repository, or why none. */
  digest(imageName: string): RepoDigestFinding;
}

/**
 * Container discovery (seed 001): every container on a server (every Swarm service, on a Swarm
 * manager) becomes a Service linked to the ContainerImage of its image name, creating the image
 * when the environment has none, and linking a new image to the registry whose auto-link pattern
 * matches it. The digest a service runs is its image's repo digest for that image's repository
 * (a Swarm service's spec pins one); none (and the report says why) when there is none there.
 */
export async function discoverServer(
  store: Store,
  server: Server,
  host: DockerHost,
): Promise<DiscoveryReport> {
  const found = server.mode === "swarm" ? await swarmServices(host) : await containers(host);
  return recordFound(store, server, found);
}

/**
 * Workload discovery on a cluster: every container of every Deployment, StatefulSet and
 * DaemonSet in the namespaces the credential may read (all of them when it may list namespaces,
 * else the server's own) becomes a `k8s-workload` Service, linked as containers are. The digest
 * is the one the spec pins, or for a tag the one its pods' image ids report.
 */
export async function discoverCluster(
  store: Store,
  server: Server,
  cluster: KubeCluster,
): Promise<DiscoveryReport> {
  const { found, skipped } = await listClusterWorkloads(cluster, server.namespace);
  const perWorkload = new Map<string, number>();
  const key = (ref: WorkloadRef) => `${ref.namespace}/${ref.kind}/${ref.name}`;
  for (const f of found) perWorkload.set(key(f.ref), (perWorkload.get(key(f.ref)) ?? 0) + 1);
  return recordFound(
    store,
    server,
    found.map(({ ref, workload, image, imageIds }) => ({
      name: ref.name,
      kind: "k8s-workload" as const,
      workload: ref,
      label: `${ref.namespace}/${ref.name}${(perWorkload.get(key(ref)) ?? 0) > 1 ? `:${ref.container}` : ""}`,
      image,
      references: imageIds,
      digest: (imageName: string) => workloadDigest(ref, workload, imageName, imageIds),
    })),
    skipped,
  );
}

/** Turns what was found into Services linked to ContainerImages (created when missing). */
async function recordFound(
  store: Store,
  server: Server,
  found: readonly Found[],
  /** What the listing itself had to leave out. */
  skipped: DiscoveryReport["skipped"] = [],
): Promise<DiscoveryReport> {
  const report: DiscoveryReport = {
    imagesCreated: [],
    servicesCreated: [],
    servicesLinked: [],
    skipped: [...skipped],
    withoutDigest: [],
  };
  const registries = await store.registries.list({ environmentId: server.environmentId });
  const existing = await store.services.list({ serverId: server.id });
  for (const container of found) {
    const label = container.label ?? container.name;
    if (/\.bridgeport-(previous|next)$/.test(container.name)) {
      report.skipped.push({ container: label, reason: "a deploy's parked container" });
      continue;
    }
    const imageName = imageNameOf(container);
    if (!imageName) {
      report.skipped.push({
        container: label,
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
    const running = container.digest(imageName);
    const deployedDigest = running.digest;
    const ref = container.workload;
    const service = existing.find(
      (s) =>
        s.containerName === container.name &&
        s.namespace === (ref?.namespace ?? null) &&
        s.workloadKind === (ref?.kind ?? null) &&
        s.workloadContainer === (ref?.container ?? null),
    );
    const recorded = !service || service.containerImageId !== image.id;
    if (recorded && deployedDigest === null)
      report.withoutDigest.push({ container: label, reason: running.detail });
    if (!service) {
      await store.services.create({
        serverId: server.id,
        containerImageId: image.id,
        name: label,
        kind: container.kind,
        containerName: container.name,
        ...(ref
          ? { namespace: ref.namespace, workloadKind: ref.kind, workloadContainer: ref.container }
          : {}),
        deployedDigest,
      });
      report.servicesCreated.push(label);
    } else if (service.containerImageId !== image.id) {
      await store.services.update(service.id, { containerImageId: image.id, deployedDigest });
      report.servicesLinked.push(label);
    }
  }
  return report;
}

async function containers(host: DockerHost): Promise<Found[]> {
  return (await listContainers(host.engine)).map((c) => ({
    name: c.name,
    kind: "container",
    image: c.image,
    references: c.repoDigests,
    digest: (imageName) => repoDigestFor(c.name, c.image, c.repoDigests, imageName),
  }));
}

async function swarmServices(host: DockerHost): Promise<Found[]> {
  return (await listSwarmServices(host.engine)).map((s) => {
    const { Name: name, TaskTemplate } = s.Spec;
    const image = TaskTemplate.ContainerSpec.Image;
    return {
      name,
      kind: "swarm-service",
      image,
      references: [],
      digest: (imageName) =>
        pinnedDigest(image) === null
          ? {
              digest: null,
              detail: `Swarm service ${name} runs ${image}, which is not pinned to a digest, so no digest is recorded`,
            }
          : repoDigestFor(name, image, [image], imageName),
    };
  });
}

/** `registry/repository` of a found image, as ContainerImage.imageName stores it. */
function imageNameOf(container: Found): string | null {
  for (const candidate of [container.image, ...container.references]) {
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
