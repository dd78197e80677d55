#!/usr/bin/env bash
# Builds kube-apiserver and kube-controller-manager once per machine, for the tests' Kubernetes
# control plane (test/harness/kubernetes.ts). No Debian package ships them, but Debian's
# `kubernetes` source package holds the whole upstream tree with vendor/, so they build offline.
#
# Prints the directory holding both binaries on stdout (progress goes to stderr). When they are
# already cached it builds nothing. The cache sits outside the repository, keyed by the sha256 of
# the source tarball:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/bridgeport/kubernetes/source/   the downloaded source files
#   ${XDG_CACHE_HOME:-$HOME/.cache}/bridgeport/kubernetes/<sha256>/  kube-apiserver, kube-controller-manager
#
#   --cached   never install, download or build: print the directory, or fail saying how to build
set -euo pipefail

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/bridgeport/kubernetes"
source_dir="$cache_root/source"
apt_sources=/etc/apt/sources.list.d/debian.sources
go=/usr/lib/go-1.19/bin/go
packages=(golang-1.19-go etcd-server)
binaries=(kube-apiserver kube-controller-manager)

say() { echo "kubernetes-binaries: $*" >&2; }

source_tarball() {
  compgen -G "$source_dir/kubernetes_*.orig.tar.*" | head -n 1 || true
}

# The cached directory for the downloaded tarball, if both binaries are in it.
cached_dir() {
  local tarball sha
  tarball="$(source_tarball)"
  [ -n "$tarball" ] || return 1
  sha="$(sha256sum "$tarball" | cut -d ' ' -f 1)"
  for binary in "${binaries[@]}"; do [ -x "$cache_root/$sha/$binary" ] || return 1; done
  echo "$cache_root/$sha"
}

if [ "${1:-}" = "--cached" ]; then
  cached_dir && exit 0
  say "kube-apiserver and kube-controller-manager are not built on this machine yet:"
  say "run 'bash scripts/kubernetes-binaries.sh' once (about 4 minutes), or 'npm test', which runs it"
  exit 1
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

install_packages() {
  local missing=()
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Source packages are off by default: turn them on in the machine's own apt sources by adding
# deb-src to each `Types: deb` line, which keeps every mirror as the machine has it.
download_source() {
  [ -n "$(source_tarball)" ] && return 0
  if ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package: kubernetes'; then
    if [ ! -f "$apt_sources" ]; then
      say "cannot enable Debian source packages: $apt_sources does not exist"
      say "add deb-src to the Types: line of this machine's apt sources, then run this again"
      exit 1
    fi
    say "enabling Debian source packages in $apt_sources"
    "${sudo_cmd[@]}" sed -i 's/^Types: deb$/Types: deb deb-src/' "$apt_sources"
    "${sudo_cmd[@]}" apt-get update -qq
  fi
  say "downloading Debian's kubernetes source package into $source_dir"
  local partial="$cache_root/source.partial"
  rm -rf "$partial"
  mkdir -p "$partial"
  # The cache directory is private to this user, where apt's own _apt sandbox user cannot write.
  (cd "$partial" && apt-get source --download-only -qq -o APT::Sandbox::User=root kubernetes >/dev/null)
  rm -rf "$source_dir"
  mv "$partial" "$source_dir"
}

# Go 1.19 builds the v1.20 tree in GOPATH mode with its vendor/ and no network. The one generated
# file missing from the tarball is the kube OpenAPI definitions, made here by the tree's own
# openapi-gen from the packages that ask for it, as build/root/Makefile.generated_files does.
build() {
  local tarball="$1" out="$2" build_dir="$3"
  local gopath="$build_dir/gopath" tree="$build_dir/gopath/src/k8s.io/kubernetes"
  mkdir -p "$gopath/src/k8s.io" "$build_dir/extract"
  say "unpacking $(basename "$tarball")"
  tar -xf "$tarball" -C "$build_dir/extract"
  local top
  top="$(find "$build_dir/extract" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)"
  [ -n "$top" ] || { say "no kubernetes-<version>/ directory in $tarball"; exit 1; }
  mv "$top" "$tree"
  local version="${top##*/kubernetes-}"

  # Go's caches and work files stay in the build dir too, so they go with it (even after a kill).
  mkdir -p "$build_dir/go-tmp"
  export GOPATH="$gopath" GOCACHE="$build_dir/go-cache" GOTMPDIR="$build_dir/go-tmp"
  export GO111MODULE=off GOPROXY=off CGO_ENABLED=0 GOFLAGS=
  cd "$tree"

  say "building openapi-gen"
  nice -n 10 "$go" build -o "$build_dir/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen

  say "generating pkg/generated/openapi/zz_generated.openapi.go"
  local inputs
  # grep -l exits non-zero for a batch of files without the tag: only the list matters here.
  inputs="$(
    set +o pipefail
    find pkg cmd plugin vendor/ -follow -type f -name '*.go' \
      -not -path 'vendor/k8s.io/code-generator/*' -not -path 'vendor/k8s.io/sample-apiserver/*' \
      -print0 2>/dev/null |
      xargs -0 grep --color=never -l '^// *+k8s:' |
      xargs grep --color=never -l '+k8s:openapi-gen=' |
      xargs -n1 dirname | LC_ALL=C sort -u | sed 's|^|k8s.io/kubernetes/|' | paste -sd ,
  )"
  [ -n "$inputs" ] || { say "found no package tagged +k8s:openapi-gen= in the tree"; exit 1; }
  nice -n 10 "$build_dir/openapi-gen" --logtostderr -v 0 \
    -i "$inputs" \
    -p k8s.io/kubernetes/pkg/generated/openapi \
    -O zz_generated.openapi \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
    -r "$build_dir/openapi-violations.report" \
    -o "$gopath/src"

  say "building ${binaries[*]} v$version (a few minutes, once per machine)"
  # As hack/lib/version.sh does: `--version` reads component-base's copy, the API server's
  # /version (what clients check for skew) client-go's.
  local ldflags="-s -w" pkg
  for pkg in client-go/pkg/version component-base/version; do
    pkg="k8s.io/kubernetes/vendor/k8s.io/$pkg"
    ldflags+=" -X $pkg.gitVersion=v$version -X $pkg.gitMajor=${version%%.*}"
    ldflags+=" -X $pkg.gitMinor=$(echo "$version" | cut -d . -f 2) -X $pkg.gitTreeState=archive"
  done
  mkdir -p "$out"
  nice -n 10 "$go" build -ldflags "$ldflags" -o "$out/" ./cmd/kube-apiserver ./cmd/kube-controller-manager
}

install_packages
cached_dir && exit 0

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
if ! flock -n 9; then
  say "another run is building the binaries; waiting for it"
  flock 9
fi
# The run that held the lock may have built them.
cached_dir && exit 0
# Only the lock holder builds, so any build directory here was left by a killed run.
rm -rf "$cache_root"/build.* "$cache_root"/*.partial

download_source
tarball="$(source_tarball)"
sha="$(sha256sum "$tarball" | cut -d ' ' -f 1)"
build_dir="$(mktemp -d "$cache_root/build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
started=$SECONDS
(build "$tarball" "$build_dir/out" "$build_dir")
# The cache directory appears whole or not at all.
rm -rf "$cache_root/$sha"
mv "$build_dir/out" "$cache_root/$sha"
say "built in $((SECONDS - started)) s; cached in $cache_root/$sha"
echo "$cache_root/$sha"
