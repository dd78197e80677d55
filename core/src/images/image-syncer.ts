import type { ContainerImage } from "../store/index.js";
import { type AnnouncedPush, type ImageSyncDeps, type ImageSyncOutcome, syncImage } from "./image-sync.js";

/**
 * Runs image syncs so that one image is never synced twice at once: a second request for an
 * image already syncing shares the running sync's outcome.
 */
export class ImageSyncer {
  readonly #running = new Map<string, Promise<ImageSyncOutcome>>();
  readonly #deps: ImageSyncDeps;

  constructor(deps: ImageSyncDeps) {
    this.#deps = deps;
  }

  sync(image: ContainerImage, announced?: AnnouncedPush): Promise<ImageSyncOutcome> {
    const running = this.#running.get(image.id);
    if (running) return running;
    const pending = syncImage(this.#deps, image, announced).finally(() => this.#running.delete(image.id));
    this.#running.set(image.id, pending);
    return pending;
  }

  get busy(): number {
    return this.#running.size;
  }
}
