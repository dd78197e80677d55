import { type ClusterProvider, workloadRefOf } from "../kubernetes/index.js";
import { MemoryLoginCache } from "../remote/index.js";
import type { Server, Service, ServiceKind } from "../store/index.js";
import type { HostProvider } from "./host-provider.js";
import { NO_REGISTRY, planTargets } from "./targets/index.js";

const WHAT: Record<ServiceKind, string> = {
  container: "container",
  compose: "container",
  "swarm-service": "Swarm service",
  "k8s-workload": "Kubernetes workload",
};

/** The digest a service runs now, or null, with what was seen, for the answer. */
export interface CurrentDigest {
  digest: string | null;
  detail: string;
}

/**
 * Reads what digest a service runs on its server when it is added, so the first deploy has a
 * From and a rollback a target: a container's image, a Swarm service's spec, a Kubernetes
 * workload's container (its pods' image ids for a tag). Never throws: a missing container,
 * Swarm service or workload, an image never pulled by digest from the image's registry, or a
 * server that does not answer all give no digest and say why.
 *
 * @example
 * await currentDigest({ hosts }, server, { id, kind: "container", containerName: "web", ... }, "registry.example.com/team/web")
 * // => { digest: "sha256:…", detail: "container web runs registry.example.com/team/web@sha256:…" }
 */
export async function currentDigest(
  targets: { hosts: HostProvider; clusters?: ClusterProvider },
  server: Server,
  service: Pick<
    Service,
    "id" | "kind" | "containerName" | "namespace" | "workloadKind" | "workloadContainer"
  >,
  imageName: string,
): Promise<CurrentDigest> {
  const name = service.containerName;
  const what = WHAT[service.kind];
  try {
    const target = planTargets({
      ...targets,
      imageRef: imageName,
      registry: async () => NO_REGISTRY,
      loginCache: new MemoryLoginCache(),
      healthCheckOf: () => null,
      workloadOf: () => workloadRefOf(service),
    })(service);
    const found = await target.current({ serverId: server.id, containerName: name, serviceId: service.id });
    if (!found) {
      return {
        digest: null,
        detail: `no ${what} named ${name} on ${server.name} yet: no digest is recorded`,
      };
    }
    return { digest: found.digest, detail: found.detail };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      digest: null,
      detail: `could not reach server ${server.name} to read what ${name} runs (${reason}): no digest is recorded; discover the server or deploy once it answers`,
    };
  }
}
