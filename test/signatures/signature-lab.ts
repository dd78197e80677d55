import {
  inspectContainer,
  parseImageName,
  parsePublicKey,
  type SigningKey,
  type Store,
} from "@bridgeport/core";
import type { SigningKeyPair } from "@bridgeport/test/harness";
import type { DeployLab } from "../deploy/deploy-lab.js";

/** The repository (without host) a lab image lives in, as pushes name it. */
export const repositoryOf = (imageName: string): string => parseImageName(imageName).repository;

/** Trusts `key` in the environment, as `POST /api/environments/:envId/signing-keys` does. */
export async function trustKey(
  store: Store,
  environmentId: string,
  name: string,
  key: SigningKeyPair,
): Promise<SigningKey> {
  const parsed = parsePublicKey(key.publicKeyPem);
  if (!parsed.ok) throw new Error(parsed.problem);
  return store.signingKeys.add({
    environmentId,
    name,
    algorithm: parsed.algorithm,
    publicKeyPem: parsed.pem,
    fingerprint: parsed.fingerprint,
    createdBy: "tests",
  });
}

/** Every lab service's container id: unchanged ids mean no server was touched. */
export async function containerIds(lab: DeployLab): Promise<string[]> {
  return Promise.all(
    lab.services.map(async (service, i) => {
      const socket = lab.sockets[i];
      if (!socket) throw new Error(`no socket ${i}`);
      return (await inspectContainer(socket.engine, service.containerName))?.Id ?? "gone";
    }),
  );
}
