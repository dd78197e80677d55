import { describe, expect, it } from "vitest";
import type { RunningKubernetes } from "./kubernetes.js";
import { serveKubernetesOnDemand, useKubernetes } from "./kubernetes-on-demand.js";

// The on-demand endpoint's bookkeeping, with a stand-in for the control plane: it starts only
// when asked, once for every file that asks, and stops with the global set-up.

function fakeControlPlane() {
  const calls = { starts: 0, stops: 0 };
  const start = async (): Promise<RunningKubernetes> => {
    calls.starts++;
    return {
      info: () => ({ url: "https://127.0.0.1:6443", caPem: "PEM", adminToken: "admin", version: "v1.20.2" }),
      startupMs: 1,
      processes: [],
      stop: async () => {
        calls.stops++;
      },
    } satisfies RunningKubernetes;
  };
  return { calls, start };
}

describe("Kubernetes on demand", () => {
  it("starts nothing until a file asks, then one control plane for every file that asks", async () => {
    const { calls, start } = fakeControlPlane();
    const onDemand = await serveKubernetesOnDemand(start);
    expect(calls.starts).toBe(0);

    const clusters = await Promise.all([useKubernetes(onDemand.info()), useKubernetes(onDemand.info())]);
    expect(calls.starts).toBe(1);
    expect(clusters.map((cluster) => cluster.info.url)).toEqual([
      "https://127.0.0.1:6443",
      "https://127.0.0.1:6443",
    ]);
    await Promise.all(clusters.map((cluster) => cluster.close()));

    await onDemand.stop();
    expect(calls.stops).toBe(1);
  });

  it("stops nothing when no file asked, and passes a failed start's reason on", async () => {
    const { calls, start } = fakeControlPlane();
    const idle = await serveKubernetesOnDemand(start);
    await idle.stop();
    expect(calls).toEqual({ starts: 0, stops: 0 });

    const failing = await serveKubernetesOnDemand(async () => {
      throw new Error("kube-apiserver exited (code 1) first");
    });
    try {
      await expect(useKubernetes(failing.info())).rejects.toThrow(
        "the Kubernetes control plane did not start: kube-apiserver exited (code 1) first",
      );
    } finally {
      await failing.stop();
    }
  });
});
