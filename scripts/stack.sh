#!/usr/bin/env bash
# Run the default stack (root Pulumi.yaml -> examples/zookeeper).
#
#   scripts/stack.sh up       (make up)      deploy and show the result
#   scripts/stack.sh preview  (make preview) show what `up` would do
#   scripts/stack.sh down     (make down)    destroy the stack; stop the local cluster
#   scripts/stack.sh render   (make render)  write the stack as plain YAML to ./render
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
# .tools/bin and state goes to a local file backend in .pulumi-state/.
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

select_stack() {
  local s=$1
  if ! pulumi stack select "$s" --non-interactive >/dev/null 2>&1; then
    pulumi stack init "$s" --non-interactive >&2
    pulumi config set namespace "${ORDINAL_NAMESPACE:-default}" --stack "$s" >&2
  fi
}

kubectl_cmd() {
  if [[ -x "${ORDINAL_TOOLS_BIN}/kubectl" ]]; then "${ORDINAL_TOOLS_BIN}/kubectl" "$@"; else kubectl "$@"; fi
}

cmd_up() {
  use_pulumi
  use_cluster
  select_stack "$STACK"
  local start
  start=$(now_s)
  pulumi up --yes --non-interactive --skip-preview --stack "$STACK"
  log "pulumi up took $(elapsed "$start")s"
  echo
  pulumi stack output --stack "$STACK"
  local ns
  ns=$(pulumi config get namespace --stack "$STACK" 2>/dev/null || echo default)
  echo
  kubectl_cmd get pods,pvc -n "$ns" -o wide
  echo
  show_quorum "$ns" "$(pulumi stack output statefulSetName --stack "$STACK")"
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
  use_cluster
  select_stack "$STACK"
  pulumi preview --non-interactive --stack "$STACK"
}

cmd_down() {
  use_pulumi
  if pulumi stack select "$STACK" --non-interactive >/dev/null 2>&1; then
    if [[ -z ${KUBECONFIG:-} && -f ${LOCAL_CLUSTER_KUBECONFIG} ]] && scripts/cluster.sh status >/dev/null 2>&1; then
      export KUBECONFIG="${LOCAL_CLUSTER_KUBECONFIG}"
    fi
    pulumi destroy --yes --non-interactive --skip-preview --stack "$STACK"
  fi
  if [[ -d "${ORDINAL_TOOLS_DIR}/cluster/run" || -d "${ORDINAL_TOOLS_DIR}/cluster/nodes" ]]; then
    scripts/cluster.sh down
    local left
    left=$(scripts/cluster.sh leftovers)
    [[ -z $left ]] || die "the local cluster left this behind:"$'\n'"${left}"
  fi
}

cmd_render() {
  use_pulumi
  local s="${STACK}-render" out="${ORDINAL_ROOT}/render"
  # A fresh stack every time: with old state, an unchanged program would
  # write nothing.
  pulumi stack rm "$s" --yes --force --non-interactive >/dev/null 2>&1 || true
  select_stack "$s"
  pulumi config set render "$out" --stack "$s" >&2
  rm -rf "$out"
  # Rendering contacts no cluster; the provider writes YAML instead.
  pulumi up --yes --non-interactive --skip-preview --stack "$s"
  log "manifests written to ${out}:"
  find "$out" -name '*.yaml' | sort >&2
}

case "${1:-}" in
  up) cmd_up ;;
  preview) cmd_preview ;;
  down) cmd_down ;;
  render) cmd_render ;;
  *)
    echo "usage: $0 up|preview|down|render" >&2
    exit 2
    ;;
esac
