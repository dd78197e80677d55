/** Docker's own rule for container names (daemon/names), which also keeps them path-safe. */
const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,253}$/;

export class ContainerNameError extends Error {
  override readonly name = "ContainerNameError";
}

/**
 * Refuses anything that is not a valid Docker container name before it reaches an API path or
 * a command, so a name can never smuggle `/`, `?`, spaces or shell syntax.
 *
 * @example
 * assertContainerName("web-1")             // ok
 * assertContainerName("x; touch /tmp/pwned") // throws ContainerNameError
 */
export function assertContainerName(name: string): string {
  if (!CONTAINER_NAME_RE.test(name))
    throw new ContainerNameError(
      `invalid container name "${name}": use letters, digits and . _ - (not first)`,
    );
  return name;
}

/** The stopped container kept for an instant rollback while its replacement proves healthy. */
export const previousName = (name: string): string => `${name}.bridgeport-previous`;
/** The replacement while it is created, before it takes over the name. */
export const nextName = (name: string): string => `${name}.bridgeport-next`;
