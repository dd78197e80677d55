#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: the Debian packages the tests and the bot use,
# pnpm, and the workspace's dependencies. Safe to run on every start and every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql: the server binaries the tests start their own throwaway cluster from (on a free
# port, as nobody). Where a service manager runs, Debian's postinst also creates and starts a
# system cluster on 5432; nothing here uses it.
debian_packages=(docker-registry apache2-utils skopeo openssh-server openssh-client docker.io docker-compose busybox-static openssl iproute2 curl jq postgresql)

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm"
  npm install -g --silent pnpm@12
fi

# Native addons (ssh2's optional binding) build against the local Node headers, never downloaded ones.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile --reporter=silent
fi

# The tests start private engines and the bot needs this machine's only to deploy here (as the
# README walkthrough does): starting a system daemon is left to an explicit command.
if ! timeout 10 docker -H unix:///var/run/docker.sock info >/dev/null 2>&1; then
  echo "setup: no Docker engine answers on /var/run/docker.sock (the README walkthrough needs one): scripts/start-docker.sh starts it"
fi
