import type { GitHubRepository } from "@bridgeport/core";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** What a repository's comments may deploy, once the API mapping and the file are combined. */
export interface RepoDeployConfig {
  images: string[];
  defaultEnvironment: string;
  /** null: every environment. */
  environments: string[] | null;
}

export const REPO_FILE = ".github/bridgeport.yml";

const environmentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, "must be an environment name");
const imageName = z.string().min(1, "must not be empty").max(500, "must be at most 500 characters");

const repoFileSchema = z
  .object({
    image: imageName.optional(),
    images: z.array(imageName).min(1, "must list at least one image").optional(),
    environment: environmentName.optional(),
    environments: z.array(environmentName).min(1, "must list at least one environment").optional(),
  })
  .strict();
export type RepoFile = z.infer<typeof repoFileSchema>;

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Reads `.github/bridgeport.yml`; a problem names the field. An empty file is an empty object. */
export function parseRepoFile(text: string): Checked<RepoFile> {
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    return {
      ok: false,
      problem: `${REPO_FILE} is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
    };
  }
  const parsed = repoFileSchema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") || "(file)";
  return { ok: false, problem: `${REPO_FILE}: ${field}: ${issue?.message ?? "invalid"}` };
}

/**
 * The API mapping is the authority: the file, which anyone who can push to the default branch
 * edits, may narrow the images and environments and pick the default environment, but never
 * reach an image or environment the mapping does not allow.
 *
 * @example
 * effectiveConfig(stored, { environment: "staging" }) // default staging, images from the API
 */
export function effectiveConfig(stored: GitHubRepository, file: RepoFile | null): Checked<RepoDeployConfig> {
  const fileImages = file?.images ?? (file?.image === undefined ? undefined : [file.image]);
  const field = file?.images ? "images" : "image";
  const strangerImage = fileImages?.find((image) => !stored.images.includes(image));
  if (strangerImage !== undefined) {
    return {
      ok: false,
      problem: `${REPO_FILE}: ${field}: "${strangerImage}" is not configured for this repository in Bridgeport (configured: ${stored.images.join(", ")})`,
    };
  }
  const allowed = stored.environments ?? null;
  const strangerEnv = allowed ? file?.environments?.find((e) => !allowed.includes(e)) : undefined;
  if (strangerEnv !== undefined) {
    return {
      ok: false,
      problem: `${REPO_FILE}: environments: "${strangerEnv}" is not allowed for this repository in Bridgeport (allowed: ${allowed?.join(", ")})`,
    };
  }
  const environments = file?.environments ?? allowed;
  const defaultEnvironment = file?.environment ?? stored.defaultEnvironment;
  if (environments && !environments.includes(defaultEnvironment)) {
    return {
      ok: false,
      problem: `${file?.environment ? `${REPO_FILE}: environment` : "defaultEnvironment"}: "${defaultEnvironment}" is not among the allowed environments (${environments.join(", ")})`,
    };
  }
  return { ok: true, value: { images: fileImages ?? stored.images, defaultEnvironment, environments } };
}
