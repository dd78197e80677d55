import type { PruneImagesMode } from "../store/schema/values.js";
import type { DockerEngine } from "./docker-engine.js";
import { pruneSchema } from "./docker-schemas.js";

export interface PruneResult {
  spaceReclaimedBytes: number;
  /** As docker prints it: decimal units, 4 significant digits ("1.235GB"). */
  spaceReclaimedHuman: string;
  imagesDeleted: number;
}

/**
 * Removes unused images: `dangling` only untagged ones (the safe default), `all` every image no
 * container uses, rollback targets included.
 *
 * @example
 * await pruneImages(host.engine, "dangling") // => { spaceReclaimedBytes: 52428800, spaceReclaimedHuman: "52.43MB", imagesDeleted: 3 }
 */
export async function pruneImages(
  engine: DockerEngine,
  mode: PruneImagesMode = "dangling",
): Promise<PruneResult> {
  // The engine reads dangling=false as "not only dangling ones", i.e. every unused image.
  const filters = JSON.stringify({ dangling: [mode === "dangling" ? "true" : "false"] });
  const result = await engine.json("POST", "/images/prune", pruneSchema, {
    query: { filters },
    timeoutMs: 10 * 60_000,
  });
  return {
    spaceReclaimedBytes: result.SpaceReclaimed,
    spaceReclaimedHuman: humanSize(result.SpaceReclaimed),
    imagesDeleted: (result.ImagesDeleted ?? []).filter((entry) => "Deleted" in entry).length,
  };
}

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB"] as const;

/**
 * Bytes in docker's human form (go-units HumanSize): powers of 1000, 4 significant digits.
 *
 * @example
 * humanSize(0)          // => "0B"
 * humanSize(1_234_567)  // => "1.235MB"
 */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${UNITS[unit]}`;
}
