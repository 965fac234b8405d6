#!/usr/bin/env bash
# Run the default stack (root Pulumi.yaml -> examples/cockroach).
#
#   scripts/stack.sh up       (make up)      deploy and show the result
#   scripts/stack.sh preview  (make preview) show what `up` would do
#   scripts/stack.sh down     (make down)    destroy the stack; stop the local cluster
#   scripts/stack.sh render   (make render)  write the stack as plain YAML to ./render
#
# Cluster: with KUBECONFIG set, the stack deploys to that cluster. Without it, a
# local control plane (scripts/cluster.sh: kube-apiserver + etcd + kwok fake
# nodes on 127.0.0.1) is started and used.
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
  scripts/install-tools.sh kubernetes etcd kwok >&2
  scripts/cluster.sh up
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
  kubectl_cmd get pods,pvc,jobs -n "$ns" -o wide
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
  if [[ -d "${ORDINAL_TOOLS_DIR}/cluster/run" ]]; then
    scripts/cluster.sh down
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
