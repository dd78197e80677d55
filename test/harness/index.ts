// The harness's public helpers: start real components on loopback and push real images.
// The integration tests and the benchmarks import them from "@bridgeport/test/harness".

export type { AuthChallenge } from "./auth-challenge.js";
export { parseAuthChallenge } from "./auth-challenge.js";
export { mapWithConcurrency } from "./concurrency.js";
export type { CosignKind } from "./cosign-fixtures.js";
export { cosignKinds, cosignTag, pushCosignSignature } from "./cosign-fixtures.js";
export { sha256Digest } from "./digest.js";
export type { FaultProxy, FaultProxyOptions, ProxiedRequest } from "./fault-proxy.js";
export { startFaultProxy } from "./fault-proxy.js";
export type { Fault, FaultMatch, FaultRule, InjectedFault } from "./fault-rules.js";
export type { FakeGitHub, FakeGitHubComment, GitHubPermission, RecordedGitHubRequest } from "./github-api.js";
export { startFakeGitHub } from "./github-api.js";
export type { Platform } from "./image-build.js";
export { parsePlatform } from "./image-build.js";
export type { ImageOptions, OciImageOptions, PushedImage } from "./image-fixtures.js";
export { deleteManifest, pushDockerV2Image, pushOciImage, retag } from "./image-fixtures.js";
export type { IndexOptions, PushedIndex, PushedIndexChild } from "./index-fixtures.js";
export { pushDockerManifestList, pushOciIndex } from "./index-fixtures.js";
export type { KubeletStandIn } from "./kubelet.js";
export { startKubelet } from "./kubelet.js";
export type { ImageDeclaration, ImageVerdict } from "./kubelet-images.js";
export { imageVerdicts } from "./kubelet-images.js";
export type { KubernetesInfo, RunningKubernetes, StartKubernetesOptions } from "./kubernetes.js";
export { startKubernetes } from "./kubernetes.js";
export type {
  KubeClient,
  KubeMethod,
  KubeRequestOptions,
  KubeResponse,
  KubernetesEndpoint,
} from "./kubernetes-api.js";
export { kubeClient, statusMessage } from "./kubernetes-api.js";
export type { KubernetesCluster } from "./kubernetes-cluster.js";
export { connectKubernetes } from "./kubernetes-cluster.js";
export type { NamespacedAccess, PolicyRule } from "./kubernetes-identities.js";
export type { KubernetesOnDemand } from "./kubernetes-on-demand.js";
export { useKubernetes } from "./kubernetes-on-demand.js";
export type { ManyTagsOptions } from "./many-tags.js";
export { pushManyTags } from "./many-tags.js";
export { manifestAccept, mediaTypes } from "./media-types.js";
export type { BlobDescriptor, FetchedManifest, PushClient, PushTarget, RawRequest } from "./oci-push.js";
export { createPushClient } from "./oci-push.js";
export { freePort } from "./ports.js";
export type { ExitStatus, ManagedProcess, StartProcessOptions, WaitOptions } from "./process.js";
export { startProcess, waitUntil } from "./process.js";
export type { ProvidedRegistries } from "./provided-context.js";
export type { RegistryInfo, RunningRegistry, StartRegistryOptions } from "./registry.js";
export { startRegistry } from "./registry.js";
export type { NotificationEndpoint, RegistryAuth } from "./registry-config.js";
export { registryAuthModes } from "./registry-config.js";
export type { CommandResult } from "./run-command.js";
export { runCommand } from "./run-command.js";
export type { HealthcheckOptions, RunnableImage, RunnableImageOptions } from "./runnable-image.js";
export { runnableImage } from "./runnable-image.js";
export type { SeededRegistryImage, SeedRegistryImageOptions } from "./seed-image.js";
export { seedRegistryImage } from "./seed-image.js";
export type { TcpRelay, TcpRelayOptions } from "./tcp-relay.js";
export { startTcpRelay } from "./tcp-relay.js";
export { makeTempDir, removeTempDir } from "./temp-dir.js";
export type { TokenIssuer, TokenIssuerOptions, TokenRequestRecord } from "./token-issuer.js";
export { startTokenIssuer } from "./token-issuer.js";
export type { TokenScope } from "./token-scope.js";
export type { RegistryUser } from "./users.js";
export { randomPassword } from "./users.js";

// Other components (sshd.ts, dockerd.ts) are exported here by their owners.
