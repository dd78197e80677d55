import { type ContainerImage, parseImageName, type WebhookPush } from "@bridgeport/core";

/**
 * The images a push is about: same repository, and same registry host when the push names
 * one. An image whose stored name no longer parses matches nothing.
 */
export function matchImages<T extends Pick<ContainerImage, "imageName">>(
  images: readonly T[],
  push: WebhookPush,
): T[] {
  return images.filter((image) => {
    try {
      const { registry, repository } = parseImageName(image.imageName);
      return repository === push.repository && (push.host === null || registry === push.host);
    } catch {
      return false;
    }
  });
}
