import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";
import { type KubernetesEndpoint, kubeClient } from "./kubernetes-api.js";
import { writeKubeconfig } from "./kubernetes-kubeconfig.js";
import { defaultServiceAccountReady } from "./kubernetes-namespaces.js";
import { makeControlPlanePki } from "./kubernetes-pki.js";
import { startApiServer, startControllerManager, startEtcd } from "./kubernetes-processes.js";
import { type ManagedProcess, waitUntil } from "./process.js";
import { makeTempDir, removeTempDir, sweepAbandonedTempDirs } from "./temp-dir.js";

/** How a test reaches the control plane: plain data, fit for vitest's `provide`/`inject`. */
export interface KubernetesInfo extends KubernetesEndpoint {
  /** A static token of the group `system:masters` (cluster-admin). */
  adminToken: string;
  /** The API server's `gitVersion`, e.g. `v1.20.2`. */
  version: string;
}

export interface StartKubernetesOptions {
  /** Holds kube-apiserver and kube-controller-manager; default: the one-time build's cache. */
  binDir?: string;
  /** For each component to become ready. */
  timeoutMs?: number;
}

export interface RunningKubernetes {
  info(): KubernetesInfo;
  /** From the first process started to the controller manager serving a namespace. */
  startupMs: number;
  processes: readonly ManagedProcess[];
  /** Stops the controller manager, the API server and etcd, and deletes their files. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const versionSchema = z.object({ gitVersion: z.string() });
const binariesScript = fileURLToPath(new URL("../../scripts/kubernetes-binaries.sh", import.meta.url));

/**
 * Starts a real control plane on loopback: etcd, kube-apiserver (token auth, RBAC, TLS with a
 * self-signed certificate, service-account token signing) and kube-controller-manager (the
 * deployment, replicaset and serviceaccount controllers). There is no scheduler and no kubelet:
 * pods stay unbound and `startKubelet` plays the kubelet's part in their status.
 *
 * @example
 * const kubernetes = await startKubernetes();
 * const cluster = connectKubernetes(kubernetes.info());
 * await kubernetes.stop();
 */
export async function startKubernetes(options: StartKubernetesOptions = {}): Promise<RunningKubernetes> {
  const binDir = options.binDir ?? (await cachedBinDir());
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!existsSync("/usr/bin/etcd")) {
    throw new Error(
      "etcd is not installed: run 'bash scripts/kubernetes-binaries.sh', which installs etcd-server",
    );
  }
  await sweepAbandonedTempDirs("kubernetes").catch(() => 0);
  const dir = await makeTempDir("kubernetes", { markOwner: true });
  const processes: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const child of [...processes].reverse()) await child.stop({ graceMs: 5_000 });
      await removeTempDir(dir);
    })();
    return stopping;
  };
  try {
    const started = performance.now();
    const pki = await makeControlPlanePki(dir);
    const etcd = await startEtcd(dir, timeoutMs);
    processes.push(etcd.process);
    const apiServer = await startApiServer(binDir, dir, pki, etcd.url, timeoutMs);
    processes.push(apiServer.process);
    const endpoint = { url: apiServer.url, caPem: pki.caPem };
    const kubeconfig = await writeKubeconfig(
      join(dir, "controller-manager.kubeconfig"),
      endpoint,
      pki.controllerManagerToken,
    );
    const controllerManager = startControllerManager(binDir, kubeconfig, pki);
    processes.push(controllerManager);
    const admin = kubeClient(endpoint, pki.adminToken);
    try {
      await waitUntil(() => defaultServiceAccountReady(admin, "default"), {
        what: "kube-controller-manager to give namespace default its ServiceAccount and token",
        timeoutMs,
        process: controllerManager,
      });
      const { gitVersion } = versionSchema.parse(await admin.ok("GET", "/version"));
      const info: KubernetesInfo = {
        ...endpoint,
        adminToken: pki.adminToken,
        version: gitVersion,
      };
      return { info: () => ({ ...info }), startupMs: performance.now() - started, processes, stop };
    } finally {
      await admin.close();
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The one-time build's cache directory, or an error that says how to build it. */
async function cachedBinDir(): Promise<string> {
  // The cache lives under the user's own cache directory, so the script needs HOME.
  const env = Object.fromEntries(
    ["PATH", "HOME", "XDG_CACHE_HOME"].flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  try {
    const { stdout } = await execFileAsync("bash", [binariesScript, "--cached"], { env, timeout: 30_000 });
    return stdout.trim();
  } catch (error) {
    const said = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new Error(`kube-apiserver and kube-controller-manager are not available: ${said}`, {
      cause: error,
    });
  }
}
