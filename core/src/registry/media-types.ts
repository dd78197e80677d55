/** Manifest media types a registry may answer with (OCI image spec and Docker distribution). */
export const MEDIA_TYPES = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

export type ManifestMediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES];

/**
 * Always send all four: an OCI manifest fetched without its type is a 404 on some registries,
 * and a Docker manifest list comes back converted (with another digest) on others.
 */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(", ");

export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList];

/** Config media types of things that are not runnable images (signatures, attestations, SBOMs). */
export const NON_IMAGE_CONFIG_TYPES: readonly string[] = [
  "application/vnd.dev.cosign.simplesigning.v1+json",
  "application/vnd.in-toto+json",
  "application/vnd.oci.empty.v1+json",
];
