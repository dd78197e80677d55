# Bridgeport's image (README "Run it"): `docker build -t bridgeport .`
# The first stage installs the workspace and bundles the bot into a release directory
# (bot/build.ts), which is all the second stage takes: Node and that directory, run as an
# unprivileged user with its state in the /data volume. No secret is set at build time: each
# comes from the environment at `docker run` (README "Configuration").
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The pnpm release the lockfile is written with.
ARG PNPM_VERSION=12.24.0
RUN npm install --global --no-fund --no-audit --no-update-notifier "pnpm@${PNPM_VERSION}"
# The manifests first, so a change to the sources alone reuses the installed layer.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY patches/ patches/
COPY core/package.json core/
COPY bot/package.json bot/
COPY action/package.json action/
COPY test/package.json test/
COPY bench/package.json bench/
# Without install scripts: they only build ssh2's optional native crypto, which needs a compiler
# and which the release leaves out (ssh2 then uses Node's crypto).
RUN pnpm install --frozen-lockfile --ignore-scripts --reporter=append-only
COPY core/ core/
COPY bot/ bot/
RUN pnpm build:release /release

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    BRIDGEPORT_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
# A fixed uid and gid (README "Run it"), above the host's usual users; --no-log-init keeps the
# login records of such a high uid from bloating the layer.
RUN groupadd --gid 10001 bridgeport \
 && useradd --uid 10001 --gid bridgeport --no-log-init --no-create-home --home-dir /data \
      --shell /usr/sbin/nologin bridgeport \
 && mkdir -m 0700 /data \
 && chown bridgeport:bridgeport /data
# Owned by root: the bot cannot change its own code.
COPY --from=build /release /app
USER bridgeport
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
# Node has fetch; the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1, without a shell in between: SIGTERM (docker stop) reaches the bot, which
# finishes its work, closes the database and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node"]
CMD ["/app/server.mjs"]
