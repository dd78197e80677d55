import { PRUNE_IMAGES_MODES, SIGNATURE_POLICIES } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { nameText } from "./text-input.js";

/**
 * An environment's name, as people type it in `/deploy ... to <name>`: unique and looked up
 * without regard to case.
 */
export const environmentName = nameText(64).regex(
  /^[A-Za-z0-9][A-Za-z0-9 _.-]*$/,
  "letters, digits, space, _ . - (starting with a letter or digit)",
);

export const EnvironmentInput = z
  .object({
    name: environmentName,
    autoPruneImages: z.boolean().optional(),
    pruneImagesMode: z.enum(PRUNE_IMAGES_MODES).optional(),
    /** The default for the environment's images (an image's own policy wins): off, warn or enforce. */
    signaturePolicy: z.enum(SIGNATURE_POLICIES).optional(),
  })
  .strict();
