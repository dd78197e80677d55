import type { RegistryType } from "./credentials.js";
import {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_DOMAIN,
  isDockerHub,
  parseImageName,
  sameRegistryHost,
} from "./reference.js";

/** What decides where a connection's Distribution API is: its type and URL, no secret. */
export interface RegistryEndpoint {
  type: RegistryType;
  registryUrl: string;
}

const DIGITALOCEAN_API_HOST = "api.digitalocean.com";
const DIGITALOCEAN_REGISTRY = "https://registry.digitalocean.com";

/** A connection's URL as a URL object; a URL without a scheme is https. */
export function parseRegistryUrl(registryUrl: string): URL {
  return new URL(registryUrl.includes("://") ? registryUrl : `https://${registryUrl}`);
}

/**
 * The base URL of a connection's Distribution API. Seed 000's URLs name a management API for
 * two types: Docker Hub's `hub.docker.com` (images on `registry-1.docker.io`) and DigitalOcean's
 * `api.digitalocean.com` (images on `registry.digitalocean.com`).
 *
 * @example
 * distributionUrlOf({ type: "dockerhub", registryUrl: "https://hub.docker.com" }) // => "https://registry-1.docker.io"
 */
export function distributionUrlOf(endpoint: RegistryEndpoint): string {
  const url = parseRegistryUrl(endpoint.registryUrl);
  if (endpoint.type === "dockerhub" && (isDockerHub(url.host) || url.host === "hub.docker.com"))
    return `https://${DOCKER_HUB_API_HOST}`;
  if (endpoint.type === "digitalocean" && url.host === DIGITALOCEAN_API_HOST) return DIGITALOCEAN_REGISTRY;
  return url.href;
}

/**
 * The registry host whose images a connection serves, as image names spell it (`docker.io` for
 * Docker Hub): the only host its credentials may be sent to.
 *
 * @example
 * servedRegistryHost({ type: "generic", registryUrl: "https://registry.example.com:5000/" }) // => "registry.example.com:5000"
 */
export function servedRegistryHost(endpoint: RegistryEndpoint): string {
  const host = new URL(distributionUrlOf(endpoint)).host;
  return isDockerHub(host) ? DOCKER_HUB_DOMAIN : host;
}

/**
 * Whether an image lives on the registry a connection serves, so the connection's credentials
 * may be used to pull it. An image name that does not parse is on no registry.
 *
 * @example
 * servesImage({ type: "dockerhub", registryUrl: "https://hub.docker.com" }, "myapp-backend")   // => true
 * servesImage({ type: "dockerhub", registryUrl: "https://hub.docker.com" }, "ghcr.io/x/web") // => false
 */
export function servesImage(endpoint: RegistryEndpoint, imageName: string): boolean {
  const host = imageRegistryHost(imageName);
  return host !== null && sameRegistryHost(servedRegistryHost(endpoint), host);
}

/** The registry host of an image name (`docker.io` for Docker Hub), or null when it does not parse. */
export function imageRegistryHost(imageName: string): string | null {
  try {
    return parseImageName(imageName).registry;
  } catch {
    return null;
  }
}
