import type { ImageSyncer } from "@bridgeport/core";
import {
  type ContainerImage,
  type DeployRef,
  type DeployTarget,
  deployTargetDeps,
  type Environment,
  type ImageDigest,
  imageMatches,
  type RegistryDeps,
  resolveDeployTarget,
  type Store,
  shortDigest,
} from "@bridgeport/core";
import { escapeText } from "./messages.js";

type Resolved = Extract<DeployTarget, { kind: "resolved" }>;
export type Pick = { ok: true; target: Resolved } | { ok: false; problem: string };

export interface TargetDeps {
  store: Store;
  syncer: ImageSyncer;
  registries: RegistryDeps;
}

/**
 * Which of the repository's images the reference names, in the environment. A digest belongs
 * to one image; a tag that several images carry is ambiguous and must be given as a digest.
 * Problems read as the API's (newest digests with their tags, which image owns a digest).
 */
export async function pickTarget(
  deps: TargetDeps,
  environment: string,
  images: readonly string[],
  ref: DeployRef,
): Promise<Pick> {
  const outcomes: DeployTarget[] = [];
  for (const image of images) {
    outcomes.push(await resolveDeployTarget(deployTargetDeps(deps), { environment, image, ref }));
  }
  const resolved = outcomes.filter((o): o is Resolved => o.kind === "resolved");
  const [only] = resolved;
  if (only && resolved.length === 1) return { ok: true, target: only };
  if (resolved.length > 1) {
    return {
      ok: false,
      problem: `${"tag" in ref ? `Tag \`${ref.tag}\`` : "That digest"} is in several of this repository's images (${resolved.map((r) => r.image.imageName).join(", ")}): deploy by digest instead.`,
    };
  }
  return { ok: false, problem: outcomes.map(describeMiss).join("\n\n") };
}

function describeMiss(outcome: DeployTarget): string {
  if (outcome.kind === "resolved") return "";
  const lines = [escapeText(outcome.message)];
  if (outcome.kind !== "registry_error" && outcome.candidates?.length) {
    lines.push("", "Newest digests of this image:");
    for (const c of outcome.candidates) {
      lines.push(
        `- \`${c.digest}\` (${c.tags.length ? c.tags.map((t) => `\`${t}\``).join(", ") : "untagged"})`,
      );
    }
  }
  return lines.join("\n");
}

/** The images among `names` that exist in the environment (names as POST /api/deploy accepts them). */
export async function imagesIn(store: Store, environment: Environment, names: readonly string[]) {
  const images = await store.images.list({ environmentId: environment.id });
  return images.filter((image) => names.some((name) => imageMatches(image, name)));
}

export type RollbackPick =
  | { ok: true; image: ContainerImage; digest: ImageDigest; from: string }
  | { ok: false; problem: string };

/**
 * What `/rollback` deploys: among the repository's images, the one deployed last in the
 * environment goes back to the digest its services ran before (the newest earlier successful
 * deploy in its history, else what the last deploy replaced).
 */
export async function rollbackTarget(
  store: Store,
  environment: Environment,
  names: readonly string[],
): Promise<RollbackPick> {
  const images = await imagesIn(store, environment, names);
  let latest: { image: ContainerImage; planId: string; digest: string; at: number } | undefined;
  for (const image of images) {
    const [plan] = await store.plans.list({ containerImageId: image.id, statuses: ["success"], limit: 1 });
    const at = plan ? (plan.finishedAt ?? plan.createdAt).getTime() : -1;
    if (plan && (!latest || at > latest.at))
      latest = { image, planId: plan.id, digest: plan.targetDigest, at };
  }
  const nothing = `Nothing to roll back to in ${environment.name}`;
  if (!latest)
    return { ok: false, problem: `${nothing}: no successful deploy of ${names.join(", ")} there yet.` };
  const { image, digest: current } = latest;
  const history = await store.history.listForImage(image.id, { limit: 50 });
  let previous = history.find((h) => h.status === "success" && h.digest !== current)?.digest;
  if (!previous) {
    const steps = (await store.plans.getWithSteps(latest.planId))?.steps ?? [];
    previous = steps.find((s) => s.fromDigest && s.fromDigest !== current)?.fromDigest ?? undefined;
  }
  if (!previous) {
    return {
      ok: false,
      problem: `${nothing}: ${image.imageName} has run only ${shortDigest(current)} there.`,
    };
  }
  const row = await store.digests.findByManifestDigest(image.id, previous);
  if (!row)
    return {
      ok: false,
      problem: `${nothing}: ${shortDigest(previous)} is no longer known for ${image.imageName}.`,
    };
  return { ok: true, image, digest: row, from: current };
}
