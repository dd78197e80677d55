import { imageNameProblem, parseTagFilter, SIGNATURE_POLICIES } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { idSchema } from "./openapi-router.js";
import { nameText, plainText } from "./text-input.js";

/**
 * A full image path without tag or digest, trimmed before anything compares it: `"repo "` and
 * `"repo"` are one image. The OCI reference grammar decides what is a name.
 */
export const imageName = nameText(512).superRefine((name, ctx) => {
  const problem = imageNameProblem(name);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/** Comma-separated globs (SPEC 3.1); each problem parseTagFilter reports is refused. */
export const tagFilter = plainText(512)
  .min(1)
  .superRefine((filter, ctx) => {
    const [problem] = parseTagFilter(filter).problems;
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

const fields = {
  name: nameText(100),
  imageName,
  tagFilter: tagFilter.optional(),
  registryConnectionId: idSchema.nullable().optional(),
  autoUpdate: z.boolean().optional(),
  /** off, warn or enforce; null follows the environment's policy. */
  signaturePolicy: z.enum(SIGNATURE_POLICIES).nullable().optional(),
};

export const ImageCreateInput = z.object(fields).strict().openapi("ContainerImageInput");
export const ImagePatchInput = z
  .object({ ...fields, name: fields.name.optional(), imageName: imageName.optional() })
  .strict()
  .openapi("ContainerImagePatch");
