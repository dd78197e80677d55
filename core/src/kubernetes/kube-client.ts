import type * as KubeClient from "@kubernetes/client-node";

type KubeClientModule = typeof KubeClient;

let loaded: KubeClientModule | undefined;
let loading: Promise<KubeClientModule> | undefined;

/**
 * @kubernetes/client-node, imported on first use: evaluating it takes about half a second,
 * which every bot process (and every test file) paid at start, Kubernetes servers or not.
 *
 * @example
 * const { KubeConfig } = await kubeClient();
 */
export function kubeClient(): Promise<KubeClientModule> {
  loading ??= import("@kubernetes/client-node").then((module) => {
    loaded = module;
    return module;
  });
  return loading;
}

/** The client if something has loaded it already; before that, no object of it can exist. */
export function loadedKubeClient(): KubeClientModule | undefined {
  return loaded;
}
