import { readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir, removeTempDir, runCommand, useKubernetes } from "@bridgeport/test/harness";
import { describe, expect, inject, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";
import { configSchema } from "../../bot/src/config.js";
import { envFileEntries, looksSecret, readmeBlock, readRepoFile, repoRoot } from "./repo-files.js";

// The manifests are rendered by kubectl's own kustomize and checked against what the image and the
// bot expect, then applied as dry runs (client and server side) to the harness's real API server.
const folder = join(repoRoot, "deploy/kubernetes");

const Probe = z.object({ httpGet: z.object({ path: z.string(), port: z.string() }) });
const Deployment = z.object({
  kind: z.literal("Deployment"),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    replicas: z.number(),
    strategy: z.object({ type: z.string() }),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z.object({
        serviceAccountName: z.string(),
        automountServiceAccountToken: z.boolean(),
        securityContext: z.object({ runAsNonRoot: z.boolean(), runAsUser: z.number(), fsGroup: z.number() }),
        containers: z.tuple([
          z.object({
            image: z.string(),
            ports: z.tuple([z.object({ name: z.string(), containerPort: z.number() })]),
            envFrom: z.tuple([z.object({ secretRef: z.object({ name: z.string() }) })]),
            livenessProbe: Probe,
            readinessProbe: Probe,
            startupProbe: Probe,
            securityContext: z.object({ readOnlyRootFilesystem: z.boolean() }),
            volumeMounts: z.tuple([z.object({ name: z.string(), mountPath: z.string() })]),
          }),
        ]),
        volumes: z.tuple([
          z.object({ name: z.string(), persistentVolumeClaim: z.object({ claimName: z.string() }) }),
        ]),
      }),
    }),
  }),
});
const Service = z.object({
  kind: z.literal("Service"),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    selector: z.record(z.string(), z.string()),
    ports: z.tuple([z.object({ targetPort: z.string() })]),
  }),
});
const Claim = z.object({
  kind: z.literal("PersistentVolumeClaim"),
  metadata: z.object({ name: z.string() }),
});
const RoleBinding = z.object({
  kind: z.literal("RoleBinding"),
  roleRef: z.object({ kind: z.literal("Role"), name: z.string() }),
  subjects: z.tuple([z.object({ kind: z.literal("ServiceAccount"), name: z.string() })]),
});
const Secret = z.object({
  kind: z.literal("Secret"),
  metadata: z.object({ name: z.string() }),
  stringData: z.record(z.string(), z.string()),
});

const { stdout: rendered } = await runCommand(["kubectl", "kustomize", folder], {
  timeoutMs: 30_000,
});
const objects = parseAllDocuments(rendered).map((document) => document.toJSON() as { kind?: string });
const deployment = Deployment.parse(objects.find((object) => object.kind === "Deployment"));
const service = Service.parse(objects.find((object) => object.kind === "Service"));
const claim = Claim.parse(objects.find((object) => object.kind === "PersistentVolumeClaim"));
const secret = Secret.parse(parse(await readRepoFile("deploy/kubernetes/secret.example.yaml")));
const dockerfile = await readRepoFile("Dockerfile");
const pod = deployment.spec.template.spec;
const [container] = pod.containers;

describe("the Kubernetes manifests", () => {
  it("render as a Deployment, a Service, a claim and the Kubernetes target's RBAC, never the Secret template", () => {
    expect(objects.map((object) => object.kind).sort()).toEqual([
      "Deployment",
      "PersistentVolumeClaim",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
  });

  it("run the pod as the ServiceAccount the Role is bound to, with no API token mounted", () => {
    const binding = RoleBinding.parse(objects.find((object) => object.kind === "RoleBinding"));
    const role = objects.find((object) => object.kind === "Role") as { metadata: { name: string } };
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects[0].name).toBe(pod.serviceAccountName);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("probe /healthz and /readyz on the port the image listens on", () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.startupProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.ports[0]).toEqual({ name: "http", containerPort: imagePort() });
    expect(service.spec.ports[0].targetPort).toBe("http");
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });

  it("run one bot on the claim at /data, as the image's user, the old pod gone before the new", () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe("Recreate");
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    expect(container.volumeMounts[0]).toEqual({ name: pod.volumes[0].name, mountPath: "/data" });
    const uid = Number(/useradd --uid (\d+)/.exec(dockerfile)?.[1]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, fsGroup: uid });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it("take their settings from the Secret whose template has the keys of deploy/.env.example", async () => {
    expect(container.envFrom[0].secretRef.name).toBe(secret.metadata.name);
    const example = envFileEntries(await readRepoFile("deploy/.env.example"));
    expect(Object.keys(secret.stringData).sort()).toEqual([...example.keys()].sort());
    for (const name of Object.keys(secret.stringData))
      expect(Object.keys(configSchema.shape)).toContain(name);
  });

  it("render from README's kustomization with its image, its namespace and the filled Secret", async () => {
    const work = await makeTempDir("kubernetes-readme");
    try {
      await symlink(join(repoRoot, "deploy"), join(work, "deploy"));
      // The block as written, but its docker build and push do nothing here.
      const block = readmeBlock(await readRepoFile("README.md"), "run-it: kubernetes");
      await writeFile(join(work, "block.sh"), `set -euo pipefail\ndocker() { :; }\n${block}`);
      await runCommand(["bash", join(work, "block.sh")], { cwd: work });
      const { stdout } = await runCommand(["kubectl", "kustomize", join(work, "bridgeport-k8s")]);
      const overlay = parseAllDocuments(stdout).map((document) => document.toJSON());
      expect(overlay.map((object) => [object.kind, object.metadata.namespace]).sort()).toEqual([
        ["Deployment", "bridgeport"],
        ["PersistentVolumeClaim", "bridgeport"],
        ["Role", "bridgeport"],
        ["RoleBinding", "bridgeport"],
        ["Secret", "bridgeport"],
        ["Service", "bridgeport"],
        ["ServiceAccount", "bridgeport"],
      ]);
      const image = Deployment.parse(overlay.find((object) => object.kind === "Deployment")).spec.template
        .spec.containers[0].image;
      expect(image).toBe("registry.example.com/bridgeport:0.1.0");
    } finally {
      await removeTempDir(work);
    }
  });

  it.each(["client", "server"])("pass kubectl apply --dry-run=%s against a real API server", async (mode) => {
    const cluster = await useKubernetes(inject("kubernetes"));
    const work = await makeTempDir("kubernetes-dry-run");
    try {
      const kubeconfig = await cluster.writeKubeconfig(join(work, "kubeconfig"));
      const namespace = `packaging-${mode}`;
      await cluster.createNamespace(namespace).catch(() => undefined);
      const secretYaml = await readRepoFile("deploy/kubernetes/secret.example.yaml");
      const { stdout } = await runCommand(
        [
          "kubectl",
          ...["--kubeconfig", kubeconfig, "--cache-dir", join(work, "cache"), "--namespace", namespace],
          ...["apply", `--dry-run=${mode}`, "-f", "-"],
        ],
        { stdin: `${rendered}\n---\n${secretYaml}`, timeoutMs: 60_000 },
      );
      const suffix = mode === "server" ? "(server dry run)" : "(dry run)";
      expect(stdout.trim().split("\n").sort()).toEqual(
        [
          `deployment.apps/${deployment.metadata.name} created ${suffix}`,
          `persistentvolumeclaim/${claim.metadata.name} created ${suffix}`,
          `role.rbac.authorization.k8s.io/bridgeport-deployer created ${suffix}`,
          `rolebinding.rbac.authorization.k8s.io/bridgeport-deployer created ${suffix}`,
          `secret/${secret.metadata.name} created ${suffix}`,
          `service/${service.metadata.name} created ${suffix}`,
          `serviceaccount/${pod.serviceAccountName} created ${suffix}`,
        ].sort(),
      );
    } finally {
      await removeTempDir(work);
    }
  });

  it("hold no secret value", async () => {
    for (const [name, value] of Object.entries(secret.stringData)) {
      if (/KEY|TOKEN|SECRET/.test(name)) expect(value, name).toBe("");
    }
    for (const file of await readdir(folder)) {
      expect(looksSecret(await readRepoFile(`deploy/kubernetes/${file}`)), file).toEqual([]);
    }
  });
});

/** The PORT the Dockerfile sets. */
function imagePort(): number {
  return Number(/^\s*PORT=(\d+)/m.exec(dockerfile)?.[1]);
}
