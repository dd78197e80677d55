/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Digest, Image, Server, Service } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { ShortDigest } from "../ui/digest.js";
import { Empty } from "../ui/empty.js";
import { DigestTable, digestLabel } from "./digest-table.js";
import { healthCheckText } from "./service-table.js";

/**
 * A service, with its Deploy card (seed 001): the digest it runs, the newer digests of its
 * image, and a deploy of one of them to this service alone.
 */
export function ServicePage(props: {
  service: Service;
  server: Server | undefined;
  image: Image | undefined;
  digests: readonly Digest[];
  session: SessionView;
}) {
  const { service, image } = props;
  const current = props.digests.find((d) => d.manifestDigest === service.deployedDigest);
  const newer = current ? props.digests.filter((d) => d.pushedAt > current.pushedAt) : props.digests;
  return (
    <>
      <h1>Service {service.name}</h1>
      <dl class="facts panel">
        <dt>Server</dt>
        <dd>
          {props.server ? <a href={`/servers/${props.server.id}`}>{props.server.name}</a> : service.serverId}
        </dd>
        <dt>Container</dt>
        <dd>
          <code>{service.containerName}</code> ({service.kind})
        </dd>
        <dt>Image</dt>
        <dd>{image ? <a href={`/images/${image.id}`}>{image.name}</a> : service.containerImageId}</dd>
        <dt>Health check</dt>
        <dd>{healthCheckText(service.healthCheck)}</dd>
      </dl>
      <section class="panel" aria-labelledby="deploy-card">
        <h2 id="deploy-card">Deploy</h2>
        <p>
          Running:{" "}
          {current && image ? (
            <>
              <strong>{digestLabel(current, image.tagFilter)}</strong>{" "}
              <ShortDigest digest={current.manifestDigest} />
            </>
          ) : (
            <ShortDigest digest={service.deployedDigest} />
          )}
        </p>
        {!image ? (
          ""
        ) : newer.length === 0 ? (
          <Empty>
            No newer digests than the one running. New pushes that match {image.tagFilter} show up here.
          </Empty>
        ) : (
          <>
            <h3>{current ? "Newer digests" : "Digests"}</h3>
            <DigestTable
              imageId={image.id}
              digests={newer}
              tagFilter={image.tagFilter}
              deployedDigestId={image.deployedDigestId}
              canDeploy={allowed(props.session, "POST", "/api/container-images/:id/deploy")}
              serviceId={service.id}
            />
          </>
        )}
      </section>
    </>
  );
}
