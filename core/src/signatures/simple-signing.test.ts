import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ImageManifest } from "../registry/index.js";
import { decisive, reasonOf } from "./findings.js";
import { COSIGN, verifySimpleSigning } from "./simple-signing.js";
import { testKey } from "./test-keys.js";

const DIGEST = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;
const TAG = `sha256-${"a".repeat(64)}.sig`;
const ci = testKey("ci");
const edge = testKey("edge", "ed25519");
const stranger = testKey("stranger");

/** The payload cosign signs, as sigstore's payload package marshals it. */
const payloadFor = (digest: string, type: string = COSIGN.signatureType) =>
  Buffer.from(
    JSON.stringify({
      critical: {
        identity: { "docker-reference": "registry.example.com/team/app" },
        image: { "docker-manifest-digest": digest },
        type,
      },
      optional: null,
    }),
  );

function sigManifest(
  payload: Buffer,
  signature: string | undefined,
  mediaType: string = COSIGN.simpleSigningMediaType,
) {
  const digest = `sha256:${createHash("sha256").update(payload).digest("hex")}`;
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: OTHER, size: 233 },
    layers: [
      {
        mediaType,
        digest,
        size: payload.length,
        ...(signature === undefined ? {} : { annotations: { [COSIGN.signatureAnnotation]: signature } }),
      },
    ],
  };
  return { manifest, payloads: new Map([[digest, payload]]) };
}

const judge = (payload: Buffer, signature: string | undefined, mediaType?: string) => {
  const { manifest, payloads } = sigManifest(payload, signature, mediaType);
  const finding = decisive(verifySimpleSigning(manifest, payloads, DIGEST, [ci.trusted, edge.trusted], TAG));
  return { status: finding.status, key: finding.key?.name ?? null, reason: reasonOf(finding, DIGEST) };
};

describe("verifySimpleSigning: cosign's classic .sig", () => {
  it.each([
    ["ECDSA P-256", ci, "ci"],
    ["Ed25519", edge, "edge"],
  ])("verifies a %s signature over the payload bytes naming the digest", (_, key, name) => {
    const payload = payloadFor(DIGEST);
    expect(judge(payload, key.sign(payload).toString("base64"))).toEqual({
      status: "verified",
      key: name,
      reason: null,
    });
  });

  const payload = payloadFor(DIGEST);
  it.each([
    [
      "a key the environment does not trust",
      stranger.sign(payload).toString("base64"),
      payload,
      "untrusted",
      "signed only by keys this environment does not trust",
    ],
    [
      "a trusted key, for another digest",
      ci.sign(payloadFor(OTHER)).toString("base64"),
      payloadFor(OTHER),
      "mismatch",
      `the signature by key "ci" is for ${OTHER}, another digest`,
    ],
    [
      "garbage bytes as the signature",
      Buffer.from("not a signature at all").toString("base64"),
      payload,
      "corrupt",
      "is corrupt",
    ],
    ["an annotation that is no base64", "%%%not-base64%%%", payload, "corrupt", "is corrupt"],
    [
      "a signed payload of another type",
      ci.sign(payloadFor(DIGEST, "atomic container signature")).toString("base64"),
      payloadFor(DIGEST, "atomic container signature"),
      "malformed",
      "not a cosign simple-signing payload",
    ],
    [
      "no signature annotation",
      undefined,
      payload,
      "malformed",
      "without its dev.cosignproject.cosign/signature annotation",
    ],
  ])("refuses %s with its own reason", (_, signature, signed, status, reason) => {
    const got = judge(signed, signature);
    expect(got.status).toBe(status);
    expect(got.reason).toContain(`no signature by a trusted key for ${DIGEST}: `);
    expect(got.reason).toContain(reason);
  });

  it("a .sig manifest without a simple-signing layer is no cosign signature", () => {
    const got = judge(
      payload,
      ci.sign(payload).toString("base64"),
      "application/vnd.oci.image.layer.v1.tar+gzip",
    );
    expect(got).toMatchObject({ status: "malformed" });
    expect(got.reason).toContain(`${TAG} is not a cosign signature`);
  });

  it("one verified layer among bad ones verifies: a .sig tag gathers every signature", () => {
    const good = sigManifest(payload, ci.sign(payload).toString("base64"));
    const bad = sigManifest(payloadFor(OTHER), stranger.sign(payloadFor(OTHER)).toString("base64"));
    const manifest = { ...good.manifest, layers: [...bad.manifest.layers, ...good.manifest.layers] };
    const payloads = new Map([...good.payloads, ...bad.payloads]);
    const findings = verifySimpleSigning(manifest, payloads, DIGEST, [ci.trusted], TAG);
    expect(findings.map((f) => f.status)).toEqual(["untrusted", "verified"]);
    expect(decisive(findings).key?.name).toBe("ci");
  });

  it("no finding at all is unsigned, with the reason the refusal shows", () => {
    expect(reasonOf(decisive([]), DIGEST)).toBe(
      `no signature by a trusted key for ${DIGEST}: the registry has no signature for it (no .sig tag, no Sigstore bundle referrer)`,
    );
  });
});
