#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: the Debian packages the bot and its README
# walkthrough use, pnpm, and the workspace's dependencies. `--tests` (the test command) adds what
# only the tests drive for real. Safe to run on every start and every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=false
[ "${1:-}" = "--tests" ] && for_tests=true

debian_packages=(docker-registry apache2-utils skopeo openssh-server openssh-client docker.io docker-compose busybox-static openssl iproute2 curl jq)
# The packaging tests: debootstrap builds the image's base from Debian's packages once per
# machine, and systemd-analyze (package systemd) checks the unit.
# The dashboard tests drive Debian's chromium (through playwright-core, never a downloaded browser).
# postgresql: the server binaries the store's PostgreSQL tests start their own throwaway cluster
# from (on a free port, as nobody). Where a service manager runs, Debian's postinst also creates
# and starts a system cluster on 5432; nothing here uses it.
test_packages=(debootstrap systemd chromium postgresql)

# Installs the Debian packages of the list that are missing, in one apt run.
install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_missing "${debian_packages[@]}"
if $for_tests; then install_missing "${test_packages[@]}"; fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm"
  npm install -g --silent pnpm@12
fi

# Native addons (ssh2's optional binding) build against the local Node headers, never downloaded ones.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile --reporter=silent
fi

# The one-time Kubernetes build (cached outside the clone) that the control-plane tests use.
if $for_tests; then
  bash scripts/kubernetes-binaries.sh >/dev/null
fi

# The tests start private engines and the bot needs this machine's only to deploy here (as the
# README walkthrough does): starting a system daemon is left to an explicit command.
if ! $for_tests && ! timeout 10 docker -H unix:///var/run/docker.sock info >/dev/null 2>&1; then
  echo "setup: no Docker engine answers on /var/run/docker.sock (the README walkthrough needs one): scripts/start-docker.sh starts it"
fi
