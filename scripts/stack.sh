#!/usr/bin/env bash
# Run the default stack (root Pulumi.yaml -> examples/zookeeper) or one of the
# examples, from a fresh clone.
#
#   scripts/stack.sh up      [EXAMPLE]  (make up [EXAMPLE=...])      deploy and show the result
#   scripts/stack.sh preview [EXAMPLE]  (make preview [EXAMPLE=...]) show what `up` would do
#   scripts/stack.sh down    [EXAMPLE]  (make down [EXAMPLE=...])    destroy the stack; stop the local
#                                                                    cluster unless another stack runs on it
#   scripts/stack.sh render  [EXAMPLE]  (make render [EXAMPLE=...])  write the stack as plain YAML to
#                                                                    ./render (an example: ./render/EXAMPLE)
#
# EXAMPLE is the name of a directory under examples/ (etcd, mysql, web, ...;
# "examples/etcd" works too). Without it, or with zookeeper, the commands run
# the default stack: project "ordinal" of the root Pulumi.yaml, which runs
# examples/zookeeper. An example runs as its own project (examples/<name>/
# Pulumi.yaml, "ordinal-<name>"), stack ORDINAL_STACK. A new stack of an
# example gets the config it needs on the local cluster (see
# example_config); change it afterwards with `pulumi config set`. The
# examples keep their data on different disks (/mnt/disks/...), so several
# can run on the local cluster at once. cockroach and phased-upgrade run
# CockroachDB, which the local cluster cannot run: `up` refuses them there
# (render or preview them, or deploy them with KUBECONFIG set).
#
# Cluster: with KUBECONFIG set, the stack deploys to that cluster. Without it, a
# local cluster is started and used (scripts/cluster.sh: kube-apiserver + etcd
# on 127.0.0.1 and ORDINAL_REAL_NODES=3 real nodes — kubelet + containerd each,
# CoreDNS, kube-proxy — running images built from Debian packages by
# scripts/images.sh). Real nodes need root and the Debian packages of
# scripts/install-node-deps.sh (installed when missing).
#
# Pulumi: if a `pulumi` outside .tools is on PATH and logged in to a backend
# (`pulumi whoami` succeeds), it is used as it is. Otherwise the CLI, the Go
# language host and the Kubernetes provider are built from Go modules into
# .tools/bin and state goes to a local file backend in .pulumi-state/. The
# same environment by hand (see the examples' READMEs):
#
#   export PATH="$PWD/.tools/bin:$PATH"
#   export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
#   export PULUMI_CONFIG_PASSPHRASE=ordinal-local
#   export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
#   export KUBECONFIG="$PWD/.tools/cluster/kubeconfig"   # the local cluster
#
# Environment: ORDINAL_STACK (default "dev"), PULUMI_CONFIG_PASSPHRASE (default
# "ordinal-local" with the local backend only), ORDINAL_NAMESPACE (namespace
# config of a new stack, default "default").
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${ORDINAL_ROOT}"

STACK="${ORDINAL_STACK:-dev}"
LOCAL_CLUSTER_KUBECONFIG="${ORDINAL_TOOLS_DIR}/cluster/kubeconfig"
export PULUMI_SKIP_UPDATE_CHECK=true

# Examples whose images cannot be built or fetched for the local cluster
# (CockroachDB; TiDB's pd, tikv and tidb): `up` refuses them there.
RENDER_ONLY_EXAMPLES=(cockroach phased-upgrade tidb-style)
declare -A RENDER_ONLY_RUNS=(
  [cockroach]="CockroachDB" [phased-upgrade]="CockroachDB" [tidb-style]="TiDB (pingcap/pd, pingcap/tikv, pingcap/tidb) on OpenKruise"
)
declare -A RENDER_ONLY_IMAGE=(
  [cockroach]="cockroachdb/cockroach" [phased-upgrade]="cockroachdb/cockroach" [tidb-style]="pingcap/* and runs OpenKruise"
)

# EXAMPLE is the example to run ("" for the default stack), PROJECT_DIR the
# directory of its Pulumi.yaml.
EXAMPLE=""
PROJECT_DIR="${ORDINAL_ROOT}"

# set_example ARG: pick the project of ARG ("etcd", "examples/etcd", "").
set_example() {
  local name=${1%/}
  name=${name#examples/}
  [[ -z $name || $name == zookeeper ]] && return 0 # the default stack runs examples/zookeeper
  if [[ $name == */* || ! -f "${ORDINAL_ROOT}/examples/${name}/Pulumi.yaml" ]]; then
    local d names=()
    for d in "${ORDINAL_ROOT}"/examples/*/Pulumi.yaml; do names+=("$(basename "$(dirname "$d")")"); done
    die "no example ${1}: examples are ${names[*]}"
  fi
  EXAMPLE=$name
  PROJECT_DIR="${ORDINAL_ROOT}/examples/${name}"
}

# pl runs pulumi in the project of the stack.
pl() { pulumi --cwd "${PROJECT_DIR}" "$@"; }

# what names the stack in messages.
what() { if [[ -n $EXAMPLE ]]; then echo "examples/${EXAMPLE}"; else echo "the default stack"; fi; }

# use_pulumi picks the user's Pulumi or the project's own.
use_pulumi() {
  local p
  p=$(command -v pulumi || true)
  if [[ -n $p && $p != "${ORDINAL_TOOLS_BIN}/pulumi" ]] && pulumi whoami --non-interactive >/dev/null 2>&1; then
    log "using your pulumi: ${p} (backend: $(pulumi whoami --verbose 2>/dev/null | sed -n 's/^Backend URL: //p'))"
    return
  fi
  scripts/install-tools.sh pulumi pulumi-language-go pulumi-resource-kubernetes >&2
  export PATH="${ORDINAL_TOOLS_BIN}:${PATH}"
  export PULUMI_BACKEND_URL="file://${ORDINAL_ROOT}/.pulumi-state"
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-ordinal-local}"
  mkdir -p "${ORDINAL_ROOT}/.pulumi-state"
}

# use_package: a project in another language than Go (runtime yaml or
# nodejs) uses the ordinal component package: build its plugin,
# pulumi-resource-ordinal, from this checkout into .tools/bin (the CLI finds
# plugins on PATH) and the language host. A TypeScript project also gets
# the SDK generated from the plugin's schema in sdks/ordinal (what `pulumi
# package add` writes) and its npm packages (npm ci).
use_package() {
  local runtime
  runtime=$(sed -n 's/^runtime: *//p' "${PROJECT_DIR}/Pulumi.yaml")
  case "$runtime" in
    yaml) scripts/install-tools.sh pulumi-language-yaml >&2 ;;
    nodejs)
      scripts/install-node-deps.sh >&2 # node and npm
      scripts/install-tools.sh pulumi-language-nodejs pulumi-sdkgen pulumi-resource-kubernetes >&2
      ;;
    *) return 0 ;;
  esac
  log "building pulumi-resource-ordinal into ${ORDINAL_TOOLS_BIN}"
  go build -o "${ORDINAL_TOOLS_BIN}/pulumi-resource-ordinal" ./provider/cmd/pulumi-resource-ordinal
  export PATH="${ORDINAL_TOOLS_BIN}:${PATH}"
  [[ $runtime == nodejs ]] || return 0
  local k8s="${ORDINAL_TOOLS_DIR}/kubernetes-schema.json"
  pulumi package get-schema "${ORDINAL_TOOLS_BIN}/pulumi-resource-kubernetes" >"${k8s}.tmp" && mv "${k8s}.tmp" "$k8s"
  rm -rf "${PROJECT_DIR}/sdks/ordinal"
  "${ORDINAL_TOOLS_BIN}/pulumi-sdkgen" -schema provider/schema.json -dep "kubernetes=${k8s}" -language nodejs -out "${PROJECT_DIR}/sdks/ordinal"
  log "$(what): SDK in sdks/ordinal; npm ci"
  (cd "${PROJECT_DIR}" && npm ci --no-audit --no-fund --loglevel=error) >&2
}

# use_cluster points KUBECONFIG at the user's cluster or a local one.
use_cluster() {
  if [[ -n ${KUBECONFIG:-} && ${KUBECONFIG} != "${LOCAL_CLUSTER_KUBECONFIG}" ]]; then
    log "deploying to the cluster of KUBECONFIG=${KUBECONFIG}"
    return
  fi
  scripts/install-node-deps.sh >&2
  scripts/install-tools.sh kubernetes coredns etcd etcdctl >&2
  scripts/images.sh build >&2
  ORDINAL_REAL_NODES="${ORDINAL_REAL_NODES:-3}" scripts/cluster.sh up
  export KUBECONFIG="${LOCAL_CLUSTER_KUBECONFIG}"
  export PATH="${ORDINAL_TOOLS_BIN}:${PATH}"
}

# using_local_cluster: whether the stack goes to the local cluster (KUBECONFIG
# unset or the local cluster's).
using_local_cluster() { [[ -z ${KUBECONFIG:-} || ${KUBECONFIG} == "${LOCAL_CLUSTER_KUBECONFIG}" ]]; }

select_stack() {
  local s=$1
  if ! pl stack select "$s" --non-interactive >/dev/null 2>&1; then
    pl stack init "$s" --non-interactive >&2
    pl config set namespace "${ORDINAL_NAMESPACE:-default}" --stack "$s" >&2
    example_config "$s"
  fi
}

# example_config STACK: the config a new stack of EXAMPLE gets, so that the
# example runs on the local cluster as it is. Each example's data goes to a
# disk of its own (the real nodes have /mnt/disks/ssd0..ssd3, www and data):
# ssd0 is the default stack's.
example_config() {
  local s=$1
  new_config() { log "examples/${EXAMPLE}: config $1=$2"; pl config set "$1" "$2" --stack "$s" >&2; }
  case "$EXAMPLE" in
    etcd) new_config diskPath /mnt/disks/ssd1 ;;
    mysql)
      new_config poolNodes node-0,node-1,node-2
      new_config diskPath /mnt/disks/ssd2
      log "examples/mysql: config mysqlRootPassword=<random> (secret; pulumi config get mysqlRootPassword shows it)"
      pl config set --secret mysqlRootPassword "$(head -c 18 /dev/urandom | base64)" --stack "$s" >&2
      ;;
    web) new_config poolNodes node-0,node-1,node-2 ;; # diskPath: /mnt/disks/www
    *) ;;                                              # the defaults run as they are
  esac
}

# refuse_render_only: `up` of a CockroachDB example on the local cluster.
refuse_render_only() {
  local e
  for e in "${RENDER_ONLY_EXAMPLES[@]}"; do
    if [[ $EXAMPLE == "$e" ]] && using_local_cluster; then
      die "examples/${e} runs ${RENDER_ONLY_RUNS[$e]}, which the local cluster cannot run (no such image can be built or fetched here).
Render it instead:      make render EXAMPLE=${e}     (plain YAML in render/${e}, no cluster)
or preview it:          make preview EXAMPLE=${e}
or deploy it elsewhere: KUBECONFIG=<a cluster that can pull ${RENDER_ONLY_IMAGE[$e]}> make up EXAMPLE=${e}"
    fi
  done
}

# deployed_elsewhere STACK: the other stacks of this repository's projects
# ("ordinal", "ordinal-<example>") that hold resources, render stacks aside.
deployed_elsewhere() {
  local project
  project=$(sed -n 's/^name: *//p' "${PROJECT_DIR}/Pulumi.yaml")
  # From / : inside a project, pulumi lists that project's stacks by short name.
  pulumi --cwd / stack ls --all --json --non-interactive 2>/dev/null |
    awk -F'"' '/"name":/ {n = $4} /"resourceCount":/ {c = $3; gsub(/[^0-9]/, "", c); if (c + 0 > 0) print n}' |
    grep -E '(^|/)ordinal(-[a-z0-9-]+)?/[^/]+$' | grep -v -e '-render$' -e "/${project}/${1}$" || true
}

kubectl_cmd() {
  if [[ -x "${ORDINAL_TOOLS_BIN}/kubectl" ]]; then "${ORDINAL_TOOLS_BIN}/kubectl" "$@"; else kubectl "$@"; fi
}

cmd_up() {
  refuse_render_only
  use_pulumi
  use_package
  use_cluster
  select_stack "$STACK"
  local start
  start=$(now_s)
  pl up --yes --non-interactive --skip-preview --stack "$STACK"
  log "pulumi up of $(what) took $(elapsed "$start")s"
  echo
  pl stack output --stack "$STACK"
  local ns sts
  ns=$(pl config get namespace --stack "$STACK" 2>/dev/null || echo default)
  sts=$(pl stack output statefulSetName --stack "$STACK")
  echo
  if [[ -z $EXAMPLE ]]; then
    kubectl_cmd get pods,pvc -n "$ns" -o wide
    echo
    show_quorum "$ns" "$sts"
  else
    kubectl_cmd get pods,pvc -n "$ns" -l "app.kubernetes.io/instance=${sts}" -o wide
  fi
}

# show_quorum NS STS: ask every ZooKeeper server of the default stack, from
# inside its pod, what it is (`srvr`): one leader, the rest followers.
show_quorum() {
  local ns=$1 sts=$2 pods p mode leaders=0 followers=0
  pods=$(kubectl_cmd get pods -n "$ns" -l "app.kubernetes.io/instance=${sts},app.kubernetes.io/component=database" -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort)
  echo "ZooKeeper ensemble ${sts} (srvr, asked inside each pod):"
  for p in $pods; do
    mode=$(kubectl_cmd exec -n "$ns" "$p" -c zookeeper -- bash -c \
      'exec 3<>/dev/tcp/127.0.0.1/2181; printf srvr >&3; cat <&3' 2>/dev/null | sed -n 's/^Mode: //p')
    printf '  %-12s %s\n' "$p" "${mode:-not serving}"
    [[ $mode == leader ]] && leaders=$((leaders + 1))
    [[ $mode == follower ]] && followers=$((followers + 1))
  done
  if ((leaders == 1 && followers == $(wc -w <<<"$pods") - 1)); then
    echo "quorum: 1 leader, ${followers} followers"
  else
    echo "no single quorum: ${leaders} leader(s), ${followers} follower(s)" >&2
    return 1
  fi
}

cmd_preview() {
  use_pulumi
  use_package
  use_cluster
  select_stack "$STACK"
  pl preview --non-interactive --stack "$STACK"
}

cmd_down() {
  use_pulumi
  use_package
  if pl stack select "$STACK" --non-interactive >/dev/null 2>&1; then
    if [[ -z ${KUBECONFIG:-} && -f ${LOCAL_CLUSTER_KUBECONFIG} ]] && scripts/cluster.sh status >/dev/null 2>&1; then
      export KUBECONFIG="${LOCAL_CLUSTER_KUBECONFIG}"
    fi
    pl destroy --yes --non-interactive --skip-preview --stack "$STACK"
  fi
  if [[ -d "${ORDINAL_TOOLS_DIR}/cluster/run" || -d "${ORDINAL_TOOLS_DIR}/cluster/nodes" ]]; then
    local others
    others=$(deployed_elsewhere "$STACK")
    if [[ -n $others ]]; then
      log "the local cluster keeps running: these stacks are still deployed on it (make down EXAMPLE=<name> each):"
      log "${others}"
      return 0
    fi
    scripts/cluster.sh down
    local left
    left=$(scripts/cluster.sh leftovers)
    [[ -z $left ]] || die "the local cluster left this behind:"$'\n'"${left}"
  fi
}

cmd_render() {
  if ! grep -q '^runtime: go' "${PROJECT_DIR}/Pulumi.yaml"; then
    die "$(what) is not a Go program: render is a feature of the Go components (package components/render); render the Go example it mirrors instead"
  fi
  use_pulumi
  local s="${STACK}-render" out="${ORDINAL_ROOT}/render${EXAMPLE:+/${EXAMPLE}}"
  # A fresh stack every time: with old state, an unchanged program would
  # write nothing.
  pl stack rm "$s" --yes --force --non-interactive >/dev/null 2>&1 || true
  select_stack "$s"
  pl config set render "$out" --stack "$s" >&2
  # Only what the provider writes: the examples' directories stay.
  rm -rf "${out}/0-crd" "${out}/1-manifest"
  # Rendering contacts no cluster; the provider writes YAML instead
  # (package components/render).
  pl up --yes --non-interactive --skip-preview --stack "$s"
  log "manifests of $(what) written to ${out}:"
  find "$out" -path "${out}/[01]-*" -name '*.yaml' | sort >&2
}

usage() {
  echo "usage: $0 up|preview|down|render [EXAMPLE]   (EXAMPLE: a directory of examples/, e.g. etcd)" >&2
  exit 2
}

(($# <= 2)) || usage
set_example "${2:-}"
case "${1:-}" in
  up) cmd_up ;;
  preview) cmd_preview ;;
  down) cmd_down ;;
  render) cmd_render ;;
  *) usage ;;
esac
