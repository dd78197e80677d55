import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface AwsRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Signs a request with AWS Signature Version 4 (AWS's own signer) and returns the headers to send.
 *
 * @example
 * await signAwsRequest({ method: "POST", url, headers: { host: url.host }, body: "{}" }, creds, "us-east-1", "ecr", new Date())
 * // => { host, "x-amz-date": "...", authorization: "AWS4-HMAC-SHA256 Credential=..." }
 */
export async function signAwsRequest(
  req: AwsRequest,
  credentials: AwsCredentials,
  region: string,
  service: string,
  date: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service,
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    sha256: Hash.bind(null, "sha256"),
    // ECR and the published test vectors sign no payload-hash header (only S3 wants it).
    applyChecksum: false,
  });
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of req.url.searchParams) {
    const prior = query[key];
    query[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: req.url.protocol,
      hostname: req.url.hostname,
      ...(req.url.port ? { port: Number(req.url.port) } : {}),
      path: req.url.pathname,
      query,
      headers: { ...req.headers },
      body: req.body,
    },
    { signingDate: date },
  );
  return signed.headers as Record<string, string>;
}
