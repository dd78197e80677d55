import { z } from "zod";
import type { BasicCredentials, CredentialProvider } from "../authorizer.js";
import type { Clock } from "../clock.js";
import type { RegistrySecrets } from "../credentials.js";
import { RegistryError } from "../errors.js";
import type { Transport } from "../transport.js";
import { signAwsRequest } from "./sigv4.js";

const ECR_HOST_RE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

const authorizationResponse = z.object({
  authorizationData: z
    .array(z.object({ authorizationToken: z.string().min(1), expiresAt: z.number() }))
    .min(1),
});

/** The AWS region of an ECR registry host, e.g. `eu-west-1` for `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
export function ecrRegion(registryHost: string): string | null {
  return ECR_HOST_RE.exec(registryHost)?.[2] ?? null;
}

/**
 * ECR credentials: a short-lived password from `GetAuthorizationToken` (SigV4-signed), kept
 * until shortly before its `expiresAt` and fetched again after.
 */
export function ecrCredentials(
  secrets: RegistrySecrets,
  registryHost: string,
  deps: { transport: Transport; clock: Clock; identity: string; endpoint?: string | undefined },
): CredentialProvider {
  const region = secrets.region ?? ecrRegion(registryHost);
  let cached: { credentials: BasicCredentials; renewAt: number } | null = null;
  let inflight: Promise<BasicCredentials> | null = null;

  const fetchToken = async (): Promise<BasicCredentials> => {
    if (!secrets.accessKeyId || !secrets.secretAccessKey || !region) {
      throw new RegistryError("ECR needs accessKeyId, secretAccessKey and region (or an ECR registry URL)", {
        status: 0,
        temporary: false,
      });
    }
    const url = new URL(deps.endpoint ?? `https://api.ecr.${region}.amazonaws.com/`);
    const body = "{}";
    const headers = await signAwsRequest(
      {
        method: "POST",
        url,
        headers: {
          host: url.host,
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
        },
        body,
      },
      {
        accessKeyId: secrets.accessKeyId,
        secretAccessKey: secrets.secretAccessKey,
        sessionToken: secrets.sessionToken,
      },
      region,
      "ecr",
      new Date(deps.clock.now()),
    );
    const res = await deps.transport.send({
      kind: "provider",
      method: "POST",
      url,
      headers,
      body,
      maxBodyBytes: 256 * 1024,
    });
    if (res.status !== 200)
      throw RegistryError.fromStatus(res.status === 400 ? 401 : res.status, [], "ECR GetAuthorizationToken");
    const parsed = authorizationResponse.safeParse(JSON.parse(res.body.toString("utf8")));
    if (!parsed.success)
      throw new RegistryError("ECR GetAuthorizationToken answered without a token", {
        status: 200,
        temporary: false,
      });
    const data = parsed.data.authorizationData[0];
    const decoded = Buffer.from(data?.authorizationToken ?? "", "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (!data || colon < 0)
      throw new RegistryError("ECR authorization token is malformed", { status: 200, temporary: false });
    // Renew five minutes early (or halfway through a very short lifetime).
    const expiresAt = data.expiresAt * 1000;
    const lifetime = expiresAt - deps.clock.now();
    cached = {
      credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
      renewAt: expiresAt - Math.min(5 * 60_000, lifetime / 2),
    };
    return cached.credentials;
  };

  return {
    identity: deps.identity,
    async basic() {
      if (cached && cached.renewAt > deps.clock.now()) return cached.credentials;
      inflight ??= fetchToken().finally(() => {
        inflight = null;
      });
      return inflight;
    },
  };
}
