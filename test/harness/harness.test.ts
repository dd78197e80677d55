import { request } from "undici";
import { describe, expect, inject, it } from "vitest";
import {
  cosignTag,
  createPushClient,
  deleteManifest,
  mediaTypes,
  type PushTarget,
  parseAuthChallenge,
  pushCosignSignature,
  pushDockerManifestList,
  pushDockerV2Image,
  pushOciImage,
  pushOciIndex,
  type RegistryInfo,
  retag,
  runnableImage,
  sha256Digest,
} from "./index.js";

const registries = inject("registries");
const basicAuth = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
const targetOf = ({ url, username, password }: RegistryInfo): PushTarget => ({ url, username, password });

describe("registries started by the global set-up", () => {
  it("basic: a wrong password gets 401, the right one 200", async () => {
    const { url, username, password } = registries.basic;
    const wrong = await request(`${url}/v2/`, {
      headers: { authorization: basicAuth(username, `${password}x`) },
    });
    await wrong.body.dump();
    const right = await request(`${url}/v2/`, { headers: { authorization: basicAuth(username, password) } });
    await right.body.dump();
    expect([wrong.statusCode, right.statusCode]).toEqual([401, 200]);
    expect(String(wrong.headers["www-authenticate"])).toMatch(/^Basic realm=/);
  });

  it("token: the Bearer challenge leads to a token that lists tags", async () => {
    const info = registries.token;
    await pushOciImage(targetOf(info), "token-flow/app", "v1");
    const ping = await request(`${info.url}/v2/`);
    await ping.body.dump();
    const challenge = parseAuthChallenge(String(ping.headers["www-authenticate"]));
    expect(ping.statusCode).toBe(401);
    expect(challenge).toMatchObject({ scheme: "bearer", params: { realm: info.tokenRealm } });

    const tokenUrl = new URL(challenge?.params.realm ?? "");
    tokenUrl.searchParams.set("service", challenge?.params.service ?? "");
    tokenUrl.searchParams.set("scope", "repository:token-flow/app:pull");
    const issued = await request(tokenUrl, {
      headers: { authorization: basicAuth(info.username, info.password) },
    });
    const body = (await issued.body.json()) as { token: string; access_token: string; expires_in: number };
    expect(issued.statusCode).toBe(200);
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBeGreaterThan(0);

    const tags = await request(`${info.url}/v2/token-flow/app/tags/list`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(tags.statusCode).toBe(200);
    expect(await tags.body.json()).toEqual({ name: "token-flow/app", tags: ["v1"] });
  });

  it("token: wrong credentials get 401 from the issuer; an anonymous token grants nothing", async () => {
    const info = registries.token;
    const realm = `${info.tokenRealm}?service=bridgeport-test-registry&scope=repository:token-flow/app:pull`;
    const wrong = await request(realm, { headers: { authorization: basicAuth(info.username, "wrong") } });
    await wrong.body.dump();
    expect(wrong.statusCode).toBe(401);

    const anonymous = await request(realm);
    const { token } = (await anonymous.body.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
      access: unknown[];
    };
    expect(claims.access).toEqual([]);
    const refused = await request(`${info.url}/v2/token-flow/app/tags/list`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await refused.body.dump();
    expect(refused.statusCode).toBe(401);
  });
});

interface Fetched {
  status: number;
  contentType: string;
  digestHeader: string;
  bytes: Buffer;
}

async function fetchManifest(
  target: PushTarget,
  repo: string,
  reference: string,
  accept: string,
): Promise<Fetched> {
  const response = await createPushClient(target).request({
    repo,
    path: `/v2/${repo}/manifests/${reference}`,
    headers: { accept },
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const { statusCode: status, headers } = response;
  return {
    status,
    contentType: String(headers["content-type"]),
    digestHeader: String(headers["docker-content-digest"]),
    bytes,
  };
}

describe.each([
  ["basic", registries.basic],
  ["token", registries.token],
])("fixtures on the %s registry", (_name, info) => {
  const target = targetOf(info);

  it.each([
    ["OCI image", () => pushOciImage(target, "fixtures/app", "oci", { annotations: { purpose: "test" } })],
    ["Docker v2 image", () => pushDockerV2Image(target, "fixtures/app", "docker")],
    ["OCI index", () => pushOciIndex(target, "fixtures/app", "index", ["linux/amd64", "linux/arm64/v8"])],
    [
      "Docker manifest list",
      () => pushDockerManifestList(target, "fixtures/app", "list", ["linux/amd64", "linux/arm/v7"]),
    ],
    ["runnable image", () => runnableImage(target, "fixtures/web", "v1", { version: "v1" })],
  ])("%s: fetched by tag with its own Accept, digest and bytes match", async (_kind, push) => {
    const pushed = await push();
    const tag = pushed.tag ?? "";
    const fetched = await fetchManifest(target, pushed.repo, tag, pushed.mediaType);
    expect(fetched).toMatchObject({
      status: 200,
      contentType: pushed.mediaType,
      digestHeader: pushed.digest,
    });
    expect(sha256Digest(fetched.bytes)).toBe(pushed.digest);
    expect(fetched.bytes.length).toBe(pushed.manifestLength);
  });

  it("image size is config plus layers, and every blob is there with that size", async () => {
    const pushed = await pushDockerV2Image(target, "fixtures/sizes", "v1", {
      created: "2026-03-04T05:06:07Z",
    });
    const manifest = JSON.parse(pushed.manifest.toString()) as {
      config: { digest: string; size: number };
      layers: { digest: string; size: number }[];
    };
    const blobs = [manifest.config, ...manifest.layers];
    expect(pushed.size).toBe(blobs.reduce((sum, blob) => sum + blob.size, 0));
    const client = createPushClient(target);
    for (const blob of blobs) {
      const head = await client.request({
        method: "HEAD",
        repo: "fixtures/sizes",
        path: `/v2/fixtures/sizes/blobs/${blob.digest}`,
      });
      await head.body.dump();
      expect([head.statusCode, Number(head.headers["content-length"])]).toEqual([200, blob.size]);
    }
    const config = await client.request({
      repo: "fixtures/sizes",
      path: `/v2/fixtures/sizes/blobs/${manifest.config.digest}`,
    });
    expect(await config.body.json()).toMatchObject({
      created: "2026-03-04T05:06:07.000Z",
      os: "linux",
      architecture: "amd64",
    });
  });

  it("an OCI index lists its platforms and BuildKit-style attestations", async () => {
    const pushed = await pushOciIndex(
      target,
      "fixtures/multi",
      "v1",
      ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"],
      {
        attestation: true,
      },
    );
    const index = JSON.parse(pushed.manifest.toString()) as {
      manifests: { digest: string; platform: unknown; annotations?: Record<string, string> }[];
    };
    expect(index.manifests.map((entry) => [entry.digest, entry.platform])).toEqual(
      pushed.children.map((child) => [child.digest, child.platform]),
    );
    expect(pushed.children.map((child) => child.platform)).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
      { os: "linux", architecture: "arm", variant: "v7" },
      { os: "unknown", architecture: "unknown" },
      { os: "unknown", architecture: "unknown" },
      { os: "unknown", architecture: "unknown" },
    ]);
    expect(index.manifests[3]?.annotations).toEqual({
      "vnd.docker.reference.digest": pushed.children[0]?.digest,
      "vnd.docker.reference.type": "attestation-manifest",
    });
    expect(new Set(pushed.children.map((child) => child.digest)).size).toBe(6);
    for (const child of pushed.children) {
      const fetched = await fetchManifest(target, "fixtures/multi", child.digest, child.mediaType);
      expect([fetched.status, fetched.digestHeader]).toEqual([200, child.digest]);
    }
  });

  it.each(["sig", "att", "sbom"] as const)(
    "cosign %s artifact sits under its sha256-<hex> tag",
    async (kind) => {
      const subject = await pushOciImage(target, "fixtures/signed", "v1");
      const pushed = await pushCosignSignature(target, "fixtures/signed", subject.digest, { kind });
      expect(pushed.tag).toBe(`sha256-${subject.digest.slice("sha256:".length)}.${kind}`);
      expect(pushed.tag).toBe(cosignTag(subject.digest, kind));
      const fetched = await fetchManifest(
        target,
        "fixtures/signed",
        pushed.tag ?? "",
        mediaTypes.ociManifest,
      );
      expect(fetched.digestHeader).toBe(pushed.digest);
    },
  );

  it("seeds: same tag repeats its digest, a new seed moves it, retag points a tag at an old digest", async () => {
    const first = await pushOciImage(target, "fixtures/seeds", "v1");
    const again = await pushOciImage(target, "fixtures/seeds", "v1");
    const other = await pushOciImage(target, "fixtures/seeds", "v2");
    const moved = await pushOciImage(target, "fixtures/seeds", "v1", { seed: "rebuild" });
    expect(again.digest).toBe(first.digest);
    expect(new Set([first.digest, other.digest, moved.digest]).size).toBe(3);

    await retag(target, "fixtures/seeds", "latest", first.digest);
    const latest = await fetchManifest(target, "fixtures/seeds", "latest", mediaTypes.ociManifest);
    expect(latest.digestHeader).toBe(first.digest);
  });

  it("deleteManifest removes a manifest", async () => {
    const pushed = await pushOciImage(target, "fixtures/deleted", "v1");
    await deleteManifest(target, "fixtures/deleted", pushed.digest);
    const fetched = await fetchManifest(target, "fixtures/deleted", pushed.digest, mediaTypes.ociManifest);
    expect(fetched.status).toBe(404);
  });
});
