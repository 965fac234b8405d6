#!/usr/bin/env bash
# Container images for pods on real nodes, built locally (no registry, no daemon).
#
#   scripts/images.sh build [NAME...]   build (or reuse) images; default: all
#   scripts/images.sh list              one line per image: name, refs, tarball, state
#   scripts/images.sh path NAME         the image's tarball (exit 1 if missing or stale)
#   scripts/images.sh prune             delete cached tarballs no current stamp uses
#
# Images: pause base zookeeper mariadb nginx etcd
#
# Each image is a docker-archive tarball (`ctr -n k8s.io image import FILE`) with two
# tags sharing the big layer: localhost/<name>:1 and localhost/<name>:2, where :2 adds
# one small layer. They differ visibly: /etc/ordinal-image and the config's Env
# ORDINAL_IMAGE hold the tag's ref. Images default to user 1000:1000 and need no root.
#
# An image is built into a cache outside the repository,
# ${ORDINAL_IMAGES_CACHE:-$HOME/.cache/ordinal-images}/<name>-<stamp>.tar (renamed into
# place when complete), where <stamp> hashes the recipe (RECIPE_REV, the build_<name>
# and rf_* functions, scripts/lib-image.sh, scripts/images/<name>/) and its input
# binaries; it is then hard-linked (or copied) to .tools/images/<name>.tar.
# Debian-based images (zookeeper, mariadb, nginx) need root (mmdebstrap) and share a
# .deb cache, <cache>/apt-archives. Debian package updates do not change the stamp:
# bump RECIPE_REV (or delete the cached tarball) to pick them up.
#
# etcd packs .tools/bin/etcd and .tools/bin/etcdctl (scripts/install-tools.sh; another
# directory with ORDINAL_ETCD_BINDIR). `build` without names skips etcd with a
# "waiting" line while they are missing; `build etcd` fails.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/lib-image.sh
source "${ORDINAL_ROOT}/scripts/lib-image.sh"

CACHE="${ORDINAL_IMAGES_CACHE:-${HOME}/.cache/ordinal-images}"
IMAGES_OUT="${ORDINAL_TOOLS_DIR}/images"
RECIPES="${ORDINAL_ROOT}/scripts/images"
ETCD_BINDIR="${ORDINAL_ETCD_BINDIR:-${ORDINAL_TOOLS_BIN}}"
# Bump to force a rebuild of every image (also happens when a recipe changes).
RECIPE_REV=1

ALL_IMAGES=(pause base zookeeper mariadb nginx etcd)

# Cmd of each image (JSON). User is 1000:1000 for all.
declare -A CMD=(
  [pause]='["/pause"]'
  [base]='["sh"]'
  [zookeeper]='["zkServer.sh","start-foreground"]'
  [mariadb]='["mariadbd"]'
  [nginx]='["nginx","-g","daemon off;"]'
  [etcd]='["/usr/local/bin/etcd"]'
)

DEBIAN_SUITE=bookworm
DEBIAN_SOURCES=(
  "deb http://deb.debian.org/debian ${DEBIAN_SUITE} main"
  "deb http://deb.debian.org/debian ${DEBIAN_SUITE}-updates main"
  "deb http://deb.debian.org/debian-security ${DEBIAN_SUITE}-security main"
)

# --- inputs ------------------------------------------------------------------
# image_inputs NAME: input binaries (outside the repo) whose sha256 goes into the stamp.
image_inputs() {
  case "$1" in
    base) echo /bin/busybox ;;
    etcd) printf '%s\n' /bin/busybox "${ETCD_BINDIR}/etcd" "${ETCD_BINDIR}/etcdctl" ;;
  esac
}

# missing_inputs NAME: prints what is missing to build NAME (nothing if ready).
missing_inputs() {
  local f
  while read -r f; do
    [[ -z $f || -f $f ]] && continue
    case "$f" in
      /bin/busybox) echo "/bin/busybox (apt-get install busybox-static)" ;;
      *) echo "${f} (scripts/install-tools.sh)" ;;
    esac
  done < <(image_inputs "$1")
  if [[ $1 == pause ]] && ! command -v go >/dev/null; then echo "go on PATH"; fi
  return 0
}

# ensure_busybox: Debian's static busybox on the host (installed with apt if missing).
ensure_busybox() {
  if [[ -f /bin/busybox ]] && dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
    return
  fi
  [[ $EUID -eq 0 ]] || die "busybox-static is not installed (apt-get install busybox-static)"
  log "installing busybox-static ..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >&2 ||
    die "apt-get install busybox-static failed"
}

# --- rootfs helpers (rf_*: part of every image's stamp) ----------------------

# rf_etc ROOT: the ordinal user (1000:1000) and /etc files every image has.
rf_etc() {
  local root=$1
  mkdir -p "$root"/{etc,tmp,home/ordinal}
  [[ -f $root/etc/passwd ]] ||
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  [[ -f $root/etc/group ]] || printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  grep -q '^ordinal:' "$root/etc/passwd" ||
    echo 'ordinal:x:1000:1000:ordinal:/home/ordinal:/bin/sh' >>"$root/etc/passwd"
  grep -q '^ordinal:' "$root/etc/group" || echo 'ordinal:x:1000:' >>"$root/etc/group"
  # Kubernetes mounts its own /etc/hosts; this one is for plain `ctr run`.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  # The layers are owned by root: directories uid 1000 writes to are sticky 1777.
  chmod 1777 "$root/tmp" "$root/home/ordinal"
}

# rf_busybox ROOT: Debian's static busybox with a symlink per applet.
rf_busybox() {
  local root=$1 a
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,root,var/tmp}
  cp /bin/busybox "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list-full); do
    [[ $a == bin/busybox ]] || ln -sf /bin/busybox "$root/$a"
  done
  chmod 0700 "$root/root"
  chmod 1777 "$root/var/tmp"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  rf_etc "$root"
}

# rf_debian ROOT PACKAGES: a minbase Debian rootfs with PACKAGES (comma-separated).
# .debs are shared through ${CACHE}/apt-archives by hard links (copies across
# file systems); docs, man pages and locales are not installed.
rf_debian() {
  local root=$1 pkgs=$2
  [[ $EUID -eq 0 ]] || die "Debian-based images need root (mmdebstrap --mode=root)"
  command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (apt-get install mmdebstrap)"
  mkdir -p "${CACHE}/apt-archives"
  # shellcheck disable=SC2016 # the hooks are run by mmdebstrap under sh ($1 = the chroot)
  APT_CACHE="${CACHE}/apt-archives" SOURCE_DATE_EPOCH=0 mmdebstrap \
    --variant=minbase --mode=root --format=directory --include="$pkgs" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --skip=essential/unlink \
    --setup-hook='mkdir -p "$1/var/cache/apt/archives" && { find "$APT_CACHE" -maxdepth 1 -name "*.deb" -exec cp -l -t "$1/var/cache/apt/archives/" {} + 2>/dev/null || find "$APT_CACHE" -maxdepth 1 -name "*.deb" -exec cp -t "$1/var/cache/apt/archives/" {} +; }' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='find "$1/var/cache/apt/archives" -maxdepth 1 -name "*.deb" -exec cp -l -n -t "$APT_CACHE/" {} + 2>/dev/null || find "$1/var/cache/apt/archives" -maxdepth 1 -name "*.deb" -exec cp -n -t "$APT_CACHE/" {} +' \
    --dpkgopt=force-unsafe-io \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/lintian/*' \
    "$DEBIAN_SUITE" "$root" "${DEBIAN_SOURCES[@]}"
  # mmdebstrap already removed the apt lists and .debs; drop the host's resolver
  # and hostname (the runtime provides them) and leftovers.
  rm -f "$root"/etc/resolv.conf "$root"/etc/hostname "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
  find "$root/var/log" -type f -delete
  rf_etc "$root"
}

# rf_run ROOT CMD...: smoke-test CMD in ROOT as uid/gid 1000 (root only), in a
# private mount and PID namespace with /proc, /dev and an empty /tmp: nothing is
# written to ROOT and no mount outlives the command.
rf_run() {
  local root=$1
  shift
  # shellcheck disable=SC2016
  unshare --mount --pid --fork --propagation private -- /bin/sh -euc '
    root=$1 path=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    exec chroot --userspec=1000:1000 "$root" /usr/bin/env -i HOME=/tmp "$path" "$@"
  ' rf_run "$root" "$IMAGE_PATH_ENV" "$@"
}

# rf_copy SRC DST MODE: install a recipe file.
rf_copy() {
  install -D -m "$3" "$1" "$2"
}

# --- build recipes -----------------------------------------------------------
# build_<name> ROOT: populate the empty directory ROOT with the image's root
# filesystem (the machinery adds /etc/ordinal-image and packs two tags).

build_pause() {
  local root=$1
  mkdir -p "$root"
  (cd "${RECIPES}/pause" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w" -o "${root}/pause" .)
  rf_etc "$root"
}

build_base() {
  rf_busybox "$1"
}

build_zookeeper() {
  local root=$1 r=${RECIPES}/zookeeper
  rf_debian "$root" openjdk-17-jre-headless,libzookeeper-java,bash,netcat-openbsd,busybox
  rf_copy "$r/zkServer.sh" "$root/usr/local/bin/zkServer.sh" 0755
  rf_copy "$r/zkCli.sh" "$root/usr/local/bin/zkCli.sh" 0755
  rf_copy "$r/zk-env.sh" "$root/usr/local/lib/zookeeper/zk-env.sh" 0644
  rf_copy "$r/simplelogger.properties" "$root/usr/local/lib/zookeeper/simplelogger.properties" 0644
  rf_copy "$r/zoo.cfg" "$root/etc/zookeeper/zoo.cfg" 0644
  mkdir -p "$root/var/lib/zookeeper"
  chmod 1777 "$root/var/lib/zookeeper"
  # Every jar on the class path must exist (java silently ignores a missing one).
  local cp
  # shellcheck disable=SC2016
  cp=$(chroot "$root" bash -c 'source /usr/local/lib/zookeeper/zk-env.sh && echo "$ZK_CLASSPATH"')
  tr ':' '\n' <<<"$cp" | grep '\.jar$' | while read -r j; do
    [[ -f $root$j ]] || die "zookeeper: ${j} is on the class path but not installed"
  done
  rf_run "$root" zkServer.sh version
}

build_mariadb() {
  local root=$1
  rf_debian "$root" mariadb-server,mariadb-client
  # The package's postinst initialised a data directory: pods make their own.
  find "$root/var/lib/mysql" -mindepth 1 -delete
  # Like the official image: listen on all addresses, no DNS lookups of clients.
  sed -i 's/^bind-address/#&/' "$root/etc/mysql/mariadb.conf.d/50-server.cnf"
  rf_copy "${RECIPES}/mariadb/ordinal.cnf" "$root/etc/mysql/conf.d/ordinal.cnf" 0644
  # Default socket and pid file live in /run/mysqld; data in /var/lib/mysql (a volume).
  mkdir -p "$root/run/mysqld"
  chmod 1777 "$root/run/mysqld" "$root/var/lib/mysql"
  rf_run "$root" mariadbd --version
}

build_nginx() {
  local root=$1
  rf_debian "$root" nginx-light
  # A configuration for an unprivileged master: port 8080, pid and temp files in /tmp.
  rf_copy "${RECIPES}/nginx/nginx.conf" "$root/etc/nginx/nginx.conf" 0644
  rf_copy "${RECIPES}/nginx/default.conf" "$root/etc/nginx/conf.d/default.conf" 0644
  rm -f "$root"/etc/nginx/sites-enabled/*
  chmod 1777 "$root/var/lib/nginx" "$root/var/log/nginx"
  ln -sf /dev/stdout "$root/var/log/nginx/access.log"
  ln -sf /dev/stderr "$root/var/log/nginx/error.log"
  # (inside $(...): stdout must be a pipe the uid owns for access_log /dev/stdout)
  # shellcheck disable=SC2016
  rf_run "$root" sh -c 'out=$(nginx -t 2>&1); rc=$?; echo "$out"; exit $rc'
}

build_etcd() {
  local root=$1 b
  for b in etcd etcdctl; do
    [[ -f ${ETCD_BINDIR}/${b} ]] || die "etcd: ${ETCD_BINDIR}/${b} is missing (scripts/install-tools.sh)"
  done
  rf_busybox "$root"
  mkdir -p "$root/usr/local/bin" "$root/var/lib/etcd"
  install -m 0755 "${ETCD_BINDIR}/etcd" "${ETCD_BINDIR}/etcdctl" "$root/usr/local/bin/"
  chmod 1777 "$root/var/lib/etcd"
  # The rootfs has no libc: the binaries must be static.
  if [[ $EUID -eq 0 ]]; then
    rf_run "$root" /usr/local/bin/etcd --version
    rf_run "$root" /usr/local/bin/etcdctl version
  fi
}

# --- machinery ---------------------------------------------------------------

# stamp NAME: short hash of everything that determines the image.
stamp() {
  local n=$1 f
  {
    echo "rev=${RECIPE_REV} image=${n} cmd=${CMD[$n]} suite=${DEBIAN_SUITE}"
    printf '%s\n' "${DEBIAN_SOURCES[@]}"
    declare -f "build_${n}"
    declare -F | awk '$3 ~ /^rf_/ {print $3}' | while read -r f; do declare -f "$f"; done
    cat "${ORDINAL_ROOT}/scripts/lib-image.sh"
    if [[ -d ${RECIPES}/${n} ]]; then
      (cd "${RECIPES}/${n}" && find . -type f -printf '%m %p\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
    fi
    while read -r f; do
      # The name, not the path: the same binary in another checkout is the same input.
      [[ -n $f ]] && echo "$(basename "$f") $(sha256sum <"$f" | cut -d' ' -f1)"
    done < <(image_inputs "$n")
    if [[ $n == pause ]]; then GOTOOLCHAIN=local go env GOVERSION GOARCH; fi
  } | sha256sum | cut -c1-12
}

# cache_file NAME: the cache path of NAME's current build.
cache_file() { echo "${CACHE}/${1}-$(stamp "$1").tar"; }

# safe_rm DIR: remove DIR unless something is still mounted below it.
safe_rm() {
  local d=$1
  [[ -e $d ]] || return 0
  if awk -v d="${d}/" '{ if (index($5 "/", d) == 1) found = 1 } END { exit !found }' /proc/self/mountinfo; then
    log "warning: mounts left below ${d}; not removing it"
    return 0
  fi
  rm -rf --one-file-system "$d"
}

# link_into_tools FILE NAME: hard-link (or copy) FILE to .tools/images/NAME.tar.
link_into_tools() {
  local f=$1 dst="${IMAGES_OUT}/${2}.tar"
  mkdir -p "${IMAGES_OUT}"
  [[ $dst -ef $f ]] && return
  rm -f "${dst}.tmp.$$"
  ln -f "$f" "${dst}.tmp.$$" 2>/dev/null || cp "$f" "${dst}.tmp.$$"
  mv -f "${dst}.tmp.$$" "$dst"
}

# build_into NAME TMP OUT: run the recipe in TMP and write the archive to OUT.
# Runs in a subshell with errexit on (a failing step stops the recipe).
build_into() {
  local n=$1 tmp=$2 out=$3
  (
    set -euo pipefail
    "build_${n}" "${tmp}/root"
    image_assemble "$n" "${tmp}/root" "${tmp}/assemble" "${out}" "${CMD[$n]}"
  )
}

# ensure_image NAME: build NAME into the cache unless cached, then link it.
ensure_image() {
  local n=$1 out start secs status tmp rc size stale
  start=$(now_s)
  mkdir -p "${CACHE}"
  out=$(cache_file "$n")
  # Serialise builds and links of one image (two checkouts sharing a cache).
  exec {lockfd}>"${CACHE}/.${n}.lock"
  if ! flock -n "$lockfd"; then
    log "waiting for another build of image ${n} ..."
    flock "$lockfd"
  fi
  if [[ -f $out ]]; then
    status="cached ($(elapsed "$start")s)"
  else
    # Scratch directories of builds that were interrupted (we hold the lock).
    for stale in "${CACHE}/.build-${n}."*; do safe_rm "$stale"; done
    tmp=$(mktemp -d "${CACHE}/.build-${n}.XXXXXX")
    log "building image ${n} (log: ${tmp}/build.log) ..."
    set +e
    build_into "$n" "$tmp" "${tmp}/image.tar" >"${tmp}/build.log" 2>&1
    rc=$?
    set -e
    if [[ $rc -ne 0 ]]; then
      tail -n 40 "${tmp}/build.log" >&2
      safe_rm "${tmp}/root"
      safe_rm "${tmp}/assemble"
      die "build of image ${n} failed (exit ${rc}); full log: ${tmp}/build.log"
    fi
    secs=$(elapsed "$start")
    echo "built in ${secs}s on $(date -u +%FT%TZ)" >>"${tmp}/build.log"
    mv "${tmp}/build.log" "${out%.tar}.log"
    mv "${tmp}/image.tar" "$out" # atomic: the cache entry appears complete or not at all
    safe_rm "$tmp"
    status="built in ${secs}s"
  fi
  link_into_tools "$out" "$n"
  flock -u "$lockfd"
  exec {lockfd}>&-
  size=$(du -m --apparent-size "$out" | cut -f1)
  printf '%-10s %-28s %5s MB  %s\n' "$n" "$status" "$size" "${IMAGES_OUT}/${n}.tar"
}

known() { [[ -n ${CMD[$1]:-} ]] || die "unknown image '${1}' (known: ${ALL_IMAGES[*]})"; }

cmd_build() {
  local names=("$@") n missing start built=()
  local explicit=1
  if [[ ${#names[@]} -eq 0 ]]; then
    names=("${ALL_IMAGES[@]}")
    explicit=0
  fi
  for n in "${names[@]}"; do known "$n"; done
  start=$(now_s)
  for n in "${names[@]}"; do
    if [[ $n == base || $n == etcd ]]; then ensure_busybox; fi
    missing=$(missing_inputs "$n")
    if [[ -n $missing ]]; then
      if [[ $explicit -eq 1 ]]; then
        die "image ${n}: missing $(paste -sd, <<<"$missing" | sed 's/,/, /g')"
      fi
      printf '%-10s %-28s %s\n' "$n" "waiting" "missing $(paste -sd, <<<"$missing" | sed 's/,/, /g')"
      continue
    fi
    ensure_image "$n"
    built+=("$n")
  done
  log "images ready in ${IMAGES_OUT}: ${built[*]:-none} ($(elapsed "$start")s)"
}

# state NAME: ready | stale | missing | waiting (inputs missing).
state() {
  local n=$1 f
  [[ -z $(missing_inputs "$n") ]] || { echo waiting; return; }
  f=$(cache_file "$n")
  if [[ -f ${IMAGES_OUT}/${n}.tar && -f $f && ${IMAGES_OUT}/${n}.tar -ef $f ]]; then
    echo ready
  elif [[ -f ${IMAGES_OUT}/${n}.tar && -f $f ]] && cmp -s "${IMAGES_OUT}/${n}.tar" "$f"; then
    echo ready
  elif [[ -f ${IMAGES_OUT}/${n}.tar ]]; then
    echo stale
  else
    echo missing
  fi
}

cmd_list() {
  local n
  for n in "${ALL_IMAGES[@]}"; do
    printf '%-10s %s %s %s\n' "$n" "localhost/${n}:1,localhost/${n}:2" "${IMAGES_OUT}/${n}.tar" "$(state "$n")"
  done
}

cmd_path() {
  [[ $# -eq 1 ]] || die "usage: $0 path NAME"
  known "$1"
  echo "${IMAGES_OUT}/${1}.tar"
  local s
  s=$(state "$1")
  [[ $s == ready ]] || die "image $1 is ${s}: run scripts/images.sh build $1"
}

cmd_prune() {
  local keep=() n f k found
  for n in "${ALL_IMAGES[@]}"; do
    [[ -z $(missing_inputs "$n") ]] && keep+=("$(cache_file "$n")")
  done
  for f in "${CACHE}"/*.tar; do
    [[ -f $f ]] || continue
    found=0
    for k in "${keep[@]}"; do [[ $f == "$k" ]] && found=1; done
    if [[ $found -eq 0 ]]; then
      log "removing ${f}"
      rm -f "$f" "${f%.tar}.log"
    fi
  done
}

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd=$1
  shift
  case "$cmd" in
    build) cmd_build "$@" ;;
    list) cmd_list ;;
    path) cmd_path "$@" ;;
    prune) cmd_prune ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
