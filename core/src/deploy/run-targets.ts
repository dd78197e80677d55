import { storeClusterProvider, workloadRefOf } from "../kubernetes/index.js";
import type { RegistryDeps } from "../registry/index.js";
import type { LoginCache, RegistryAccess } from "../remote/index.js";
import type { Store } from "../store/index.js";
import type { HostProvider } from "./host-provider.js";
import type { DeployPlan } from "./plan.js";
import { registryAccess } from "./registry-access.js";
import { planTargets, type TargetOf } from "./targets/index.js";

/**
 * The targets of one run of a stored plan (its execution, or its recovery after a crash): the
 * plan's image, its services' health checks, and the registry's credentials, read once when a
 * step first needs them.
 */
export async function runTargets(
  deps: {
    store: Store;
    hosts: HostProvider;
    registries: RegistryDeps;
    loginCache: LoginCache;
    settleMs?: number | undefined;
  },
  plan: DeployPlan,
): Promise<TargetOf> {
  const services = new Map(
    (await deps.store.services.list({ containerImageId: plan.containerImageId })).map((s) => [s.id, s]),
  );
  let access: Promise<RegistryAccess> | undefined;
  return planTargets({
    hosts: deps.hosts,
    imageRef: plan.imageRef,
    loginCache: deps.loginCache,
    settleMs: deps.settleMs,
    healthCheckOf: (serviceId) => services.get(serviceId)?.healthCheck ?? null,
    clusters: storeClusterProvider(deps.store),
    workloadOf: (serviceId) => {
      const service = services.get(serviceId);
      return service ? workloadRefOf(service) : null;
    },
    registry: () => {
      access ??= registryAccess(deps, plan.containerImageId);
      return access;
    },
  });
}
