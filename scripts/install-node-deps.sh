#!/usr/bin/env bash
# Install the Debian packages that real nodes and local images need, when
# missing: containerd + runc (the nodes' runtime), the CNI plugins (bridge,
# host-local, loopback), iptables and conntrack (kube-proxy), iproute2 (the
# bridge), mmdebstrap and busybox-static (scripts/images.sh builds images from
# Debian packages), openssl and curl (the cluster script), Node.js and npm
# (the TypeScript example, examples/zookeeper-ts).
#
#   scripts/install-node-deps.sh          install what is missing (root)
#   scripts/install-node-deps.sh --check  exit 1 and list what is missing
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# command-or-file -> Debian package
declare -A PROVIDES=(
  [containerd]=containerd
  [runc]=runc
  [/usr/lib/cni/bridge]=containernetworking-plugins
  [iptables]=iptables
  [conntrack]=conntrack
  [ip]=iproute2
  [mmdebstrap]=mmdebstrap
  [/bin/busybox]=busybox-static
  [openssl]=openssl
  [curl]=curl
  [unshare]=util-linux
  [nsenter]=util-linux
  [node]=nodejs
  [npm]=npm
)

missing_packages() {
  local what pkgs=()
  for what in "${!PROVIDES[@]}"; do
    if [[ $what == /* ]]; then [[ -e $what ]] && continue; else command -v "$what" >/dev/null && continue; fi
    pkgs+=("${PROVIDES[$what]}")
  done
  # busybox-static, not busybox: the images need the static binary.
  if [[ -e /bin/busybox ]] && ! dpkg -s busybox-static >/dev/null 2>&1; then pkgs+=(busybox-static); fi
  ((${#pkgs[@]} == 0)) || printf '%s\n' "${pkgs[@]}" | sort -u
}

main() {
  local pkgs
  mapfile -t pkgs < <(missing_packages)
  if ((${#pkgs[@]} == 0)); then
    return 0
  fi
  if [[ ${1:-} == --check ]]; then
    printf 'missing Debian packages: %s\n' "${pkgs[*]}"
    return 1
  fi
  [[ $(id -u) -eq 0 ]] || die "installing ${pkgs[*]} needs root"
  log "installing Debian packages: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

main "$@"
