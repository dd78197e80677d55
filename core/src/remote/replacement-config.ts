import type { ContainerInspect, ImageInspect } from "./docker-schemas.js";

/** A `POST /containers/create` body plus the networks to connect after creation. */
export interface ReplacementSpec {
  body: Record<string, unknown>;
  /** Networks beyond the first: API 1.41 creates a container on one network only. */
  extraNetworks: { network: string; endpoint: Record<string, unknown> }[];
}

const SHARED_NETWORK_MODES = /^(host|none|container:.+)$/;

/**
 * The create request for a container's replacement: its own configuration with only the image
 * swapped. `docker inspect` shows the container's settings merged with its image's defaults, so
 * values that merely repeat the OLD image's defaults (Env entries, labels, Cmd, Entrypoint,
 * WorkingDir, User, Healthcheck, exposed ports, volumes, stop signal) are left out and the NEW
 * image's defaults apply, e.g. a new APP_VERSION. Everything set for the container itself stays:
 * name-independent config, env, labels, command, ports, mounts, network mode, restart policy.
 * Anonymous volumes are carried over by name so their data is not left behind.
 *
 * @example
 * const { body } = replacementConfig(await inspectContainer(engine, "web"), oldImage, "r/web@sha256:...");
 * // POST /containers/create?name=web.bridgeport-next with body
 */
export function replacementConfig(
  container: ContainerInspect,
  oldImage: ImageInspect | null,
  newImage: string,
): ReplacementSpec {
  const config: Record<string, unknown> = structuredClone(container.Config);
  const defaults = oldImage?.Config ?? null;
  config.Image = newImage;
  const networkMode = container.HostConfig.NetworkMode ?? "default";
  // A generated hostname (the short id) would pin the old id; host and container network modes
  // refuse one altogether.
  if (config.Hostname === container.Id.slice(0, 12) || SHARED_NETWORK_MODES.test(networkMode)) {
    delete config.Hostname;
    delete config.Domainname;
  }
  if (defaults !== null) {
    config.Env = withoutItems(container.Config.Env, defaults.Env);
    config.Labels = withoutEntries(container.Config.Labels, defaults.Labels);
    config.ExposedPorts = withoutKeys(container.Config.ExposedPorts, defaults.ExposedPorts);
    config.Volumes = withoutKeys(container.Config.Volumes, defaults.Volumes);
    for (const field of ["Cmd", "Entrypoint", "WorkingDir", "User", "Healthcheck", "StopSignal"] as const) {
      if (sameValue(container.Config[field], defaults[field])) delete config[field];
    }
  }
  const hostConfig: Record<string, unknown> = structuredClone(container.HostConfig);
  hostConfig.Binds = [...(container.HostConfig.Binds ?? []), ...anonymousVolumeBinds(container)];
  const { primary, extra } = endpoints(container, networkMode);
  return {
    body: {
      ...config,
      HostConfig: hostConfig,
      ...(primary === null ? {} : { NetworkingConfig: { EndpointsConfig: primary } }),
    },
    extraNetworks: extra,
  };
}

function anonymousVolumeBinds(container: ContainerInspect): string[] {
  const bound = new Set(
    [
      ...(container.HostConfig.Binds ?? []).map((bind) => bind.split(":")[1]),
      ...(container.HostConfig.Mounts ?? []).map((mount) => mount.Target),
    ].filter((target): target is string => target !== undefined),
  );
  return (container.Mounts ?? [])
    .filter((mount) => mount.Type === "volume" && mount.Name !== undefined && !bound.has(mount.Destination))
    .map((mount) => `${mount.Name}:${mount.Destination}${mount.RW === false ? ":ro" : ""}`);
}

function endpoints(
  container: ContainerInspect,
  networkMode: string,
): { primary: Record<string, unknown> | null; extra: ReplacementSpec["extraNetworks"] } {
  const networks = Object.entries(container.NetworkSettings?.Networks ?? {});
  if (SHARED_NETWORK_MODES.test(networkMode) || networks.length === 0) return { primary: null, extra: [] };
  const shortId = container.Id.slice(0, 12);
  const endpoint = (settings: (typeof networks)[number][1]) => ({
    ...(settings.IPAMConfig ? { IPAMConfig: settings.IPAMConfig } : {}),
    ...(settings.Links ? { Links: settings.Links } : {}),
    Aliases: (settings.Aliases ?? []).filter((alias) => alias !== shortId),
  });
  const primaryName = networkMode === "default" ? "bridge" : networkMode;
  const primary = networks.find(([name]) => name === primaryName) ?? networks[0];
  if (primary === undefined) return { primary: null, extra: [] };
  return {
    primary: { [primary[0]]: endpoint(primary[1]) },
    extra: networks
      .filter(([name]) => name !== primary[0])
      .map(([network, settings]) => ({ network, endpoint: endpoint(settings) })),
  };
}

function withoutItems(
  values: readonly string[] | null | undefined,
  defaults: readonly string[] | null | undefined,
) {
  if (values == null) return values;
  const inherited = new Set(defaults ?? []);
  return values.filter((value) => !inherited.has(value));
}

function withoutEntries(
  values: Record<string, string> | null | undefined,
  defaults: Record<string, string> | null | undefined,
) {
  if (values == null) return values;
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => defaults?.[key] !== value));
}

function withoutKeys(
  values: Record<string, unknown> | null | undefined,
  defaults: Record<string, unknown> | null | undefined,
) {
  if (values == null) return values;
  return Object.fromEntries(Object.entries(values).filter(([key]) => !(defaults != null && key in defaults)));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
