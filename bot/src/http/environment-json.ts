import { type Environment, PRUNE_IMAGES_MODES, SIGNATURE_POLICIES } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { iso } from "./openapi-router.js";

export const EnvironmentJson = z
  .object({
    id: z.string(),
    name: z.string(),
    autoPruneImages: z.boolean(),
    pruneImagesMode: z.enum(PRUNE_IMAGES_MODES),
    signaturePolicy: z.enum(SIGNATURE_POLICIES),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Environment");

export function environmentJson(env: Environment): z.infer<typeof EnvironmentJson> {
  return {
    id: env.id,
    name: env.name,
    autoPruneImages: env.autoPruneImages,
    pruneImagesMode: env.pruneImagesMode,
    signaturePolicy: env.signaturePolicy,
    createdAt: iso(env.createdAt),
    updatedAt: iso(env.updatedAt),
  };
}
