import type { KubernetesOnDemand } from "./kubernetes-on-demand.js";
import type { RegistryInfo } from "./registry.js";

/** The registries the global set-up starts once for the whole integration run. */
export interface ProvidedRegistries {
  /** htpasswd (Basic) auth. */
  basic: RegistryInfo;
  /** Bearer token auth through the harness's token issuer (`tokenRealm`). */
  token: RegistryInfo;
}

declare module "vitest" {
  export interface ProvidedContext {
    registries: ProvidedRegistries;
    /** Pass to `useKubernetes`: the run's one control plane, started when a file first asks. */
    kubernetes: KubernetesOnDemand;
    // Other components (sshd, dockerd hosts) add their connection info here.
  }
}
