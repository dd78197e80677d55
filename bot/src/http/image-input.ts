import { parseImageName, parseTagFilter } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { idSchema } from "./openapi-router.js";

/** A full image path without tag or digest, as parseImageName accepts it. */
export const imageName = z
  .string()
  .min(1)
  .max(512)
  .superRefine((name, ctx) => {
    try {
      parseImageName(name);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : "an image name" });
    }
  });

/** Comma-separated globs (SPEC 3.1); each problem parseTagFilter reports is refused. */
export const tagFilter = z
  .string()
  .min(1)
  .max(512)
  .superRefine((filter, ctx) => {
    const [problem] = parseTagFilter(filter).problems;
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

const fields = {
  name: z.string().trim().min(1).max(100),
  imageName,
  tagFilter: tagFilter.optional(),
  registryConnectionId: idSchema.nullable().optional(),
  autoUpdate: z.boolean().optional(),
};

export const ImageCreateInput = z.object(fields).strict().openapi("ContainerImageInput");
export const ImagePatchInput = z
  .object({ ...fields, name: fields.name.optional(), imageName: imageName.optional() })
  .strict()
  .openapi("ContainerImagePatch");
