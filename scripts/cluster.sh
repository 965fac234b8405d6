#!/usr/bin/env bash
# A local Kubernetes control plane on loopback, with real nodes, kwok fake
# nodes, or both.
#
#   scripts/cluster.sh up|down|status|env|restart-apiserver|restore-nodes
#   scripts/cluster.sh leftovers              what real nodes left on the machine (nothing after down)
#   scripts/cluster.sh node-path NODE PATH    the host path of PATH on real node NODE (e.g. /mnt/disks/ssd0)
#   scripts/cluster.sh node-stop I | node-start I   stop / start real node I's kubelet and containerd
#
# Components (binaries from .tools/bin, see scripts/install-tools.sh): etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler; kwok for
# ORDINAL_NODES fake nodes; for ORDINAL_REAL_NODES real nodes (root only)
# kubelet + containerd per node, CoreDNS and kube-proxy (scripts/realnodes.sh).
# The control plane listens on 127.0.0.1 only; real nodes and pods use a
# bridge of their own. See scripts/README.md for the environment variables.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="${ORDINAL_CLUSTER_DIR:-${ORDINAL_TOOLS_DIR}/cluster}"
PKI="${STATE}/pki"
RUN="${STATE}/run"   # pid files and the port assignment of the running cluster
LOGS="${STATE}/logs"
DATA="${STATE}/data" # etcd data, removed by down
KUBECONFIG_FILE="${STATE}/kubeconfig"
BIN="${ORDINAL_TOOLS_BIN}"
UP_TIMEOUT="${ORDINAL_CLUSTER_TIMEOUT:-90}"

# shellcheck source=scripts/realnodes.sh
source "$(dirname "${BASH_SOURCE[0]}")/realnodes.sh"

# kwok fake nodes: 5 by default, none by default beside real nodes. They are
# numbered after the real ones (node-<RN_NODES>...) and, beside real nodes,
# tainted ordinal.dev/fake-node=true:NoSchedule so no real workload lands on a
# node that runs nothing.
if ((RN_NODES > 0)); then NODES="${ORDINAL_NODES:-0}"; else NODES="${ORDINAL_NODES:-5}"; fi
# A running cluster keeps the node counts it was started with: status, down
# and the other commands need no environment.
if [[ ${1:-} != up && -f "${RUN}/nodes" ]]; then
  # shellcheck disable=SC1091
  source "${RUN}/nodes"
fi
# Start order; stopped in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler)
((NODES > 0)) && COMPONENTS+=(kwok)

kubectl() { "${BIN}/kubectl" --kubeconfig "${KUBECONFIG_FILE}" "$@"; }

# --- processes -------------------------------------------------------------

pidfile() { echo "${RUN}/$1.pid"; }

# pid_of NAME prints the pid of component NAME if it is running (and really is
# that component: a recycled pid does not count).
pid_of() {
  local f pid
  f=$(pidfile "$1")
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/${pid}/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF -- "${BIN}/$1 " || return 1
  echo "$pid"
}

# start_supervised NAME ARGS...: start NAME as `start` does, and start it
# again a second after it exits, as a kubelet restarts a control-plane
# static pod. kube-scheduler exits on purpose when it finds its cache
# inconsistent (seen after an API-server restart while a StatefulSet
# re-created a pod); unsupervised, the cluster would schedule nothing more.
# The pid file holds the supervisor's pid (its command line names the
# binary, which pid_of checks); stop ends the supervisor, then its process
# group.
start_supervised() {
  local name=$1
  shift
  [[ -x "${BIN}/${name}" ]] || die "${BIN}/${name} not found: run scripts/install-tools.sh"
  : >"${LOGS}/${name}.log"
  # shellcheck disable=SC2016 # expanded by the supervisor's shell
  setsid bash -c 'log=$1; shift; while :; do "$@" </dev/null >>"$log" 2>&1; echo "supervisor: $1 exited ($?), starting it again" >>"$log"; sleep 1; done' \
    supervise "${LOGS}/${name}.log" "${BIN}/${name}" "$@" </dev/null >/dev/null 2>&1 &
  echo $! >"$(pidfile "$name")"
}

# start NAME ARGS...: run .tools/bin/NAME detached, log to logs/NAME.log.
start() {
  local name=$1
  shift
  [[ -x "${BIN}/${name}" ]] || die "${BIN}/${name} not found: run scripts/install-tools.sh"
  # setsid: own session, so a Ctrl-C in the calling terminal does not reach it.
  setsid "${BIN}/${name}" "$@" </dev/null >"${LOGS}/${name}.log" 2>&1 &
  echo $! >"$(pidfile "$name")"
}

# stop NAME: SIGTERM, then SIGKILL after a few seconds.
stop() {
  local name=$1 pid
  if pid=$(pid_of "$name"); then
    terminate "$pid" "$name" 5
    # Every component leads a process group of its own (setsid). A
    # supervised one (start_supervised) leaves the component it ran in
    # that group: it goes too, after the supervisor, which can then start
    # nothing new.
    if kill -0 -- "-${pid}" 2>/dev/null; then terminate "-${pid}" "${name}" 5; fi
  fi
  rm -f "$(pidfile "$name")"
}

# fail_with_log NAME MESSAGE: print the tail of NAME's log and exit non-zero.
fail_with_log() {
  local name=$1
  shift
  log "---- tail of ${LOGS}/${name}.log ----"
  tail -n 30 "${LOGS}/${name}.log" >&2 2>/dev/null || true
  log "----"
  die "$*"
}

# --- ports -----------------------------------------------------------------

port_in_use() {
  # Any TCP socket on the port, in any state: a listener, but also the local
  # end of a connection, which makes a listen on that port fail too.
  ss -Htan 2>/dev/null | awk '{print $4}' | grep -Eq "(^|:|\])$1\$"
}

# pick_port ENV_VALUE: ENV_VALUE if set (must be free), else a free random
# port below the kernel's ephemeral range and the NodePort range: a port in
# the ephemeral range can be taken at any moment by the local end of an
# outgoing connection (two clusters side by side make thousands), and the
# listen then fails with "address already in use".
PICKED_PORTS=" "
pick_port() {
  local want=$1 what=$2 p i lo=20000 hi=30000 eph
  if [[ -n $want ]]; then
    port_in_use "$want" && die "port ${want} (${what}) is already in use"
    echo "$want"
    return
  fi
  read -r eph _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph=32768
  ((eph < hi)) && hi=$eph
  ((hi > lo + 1000)) || lo=$((hi - 1000))
  for i in $(seq 1 100); do
    p=$((lo + RANDOM % (hi - lo)))
    [[ $PICKED_PORTS == *" $p "* ]] && continue
    port_in_use "$p" && continue
    echo "$p"
    return
  done
  die "no free port found for ${what}"
}

# --- certificates ----------------------------------------------------------

gen_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME SUBJECT EXTENSIONS: key + certificate signed by the cluster CA.
sign() {
  local name=$1 subj=$2 ext=$3
  gen_key "${PKI}/${name}.key"
  openssl req -new -key "${PKI}/${name}.key" -subj "$subj" -out "${PKI}/${name}.csr" 2>/dev/null
  printf '%s\n' "$ext" >"${PKI}/${name}.ext"
  openssl x509 -req -in "${PKI}/${name}.csr" -CA "${PKI}/ca.crt" -CAkey "${PKI}/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "${PKI}/${name}.ext" \
    -out "${PKI}/${name}.crt" 2>/dev/null
  rm -f "${PKI}/${name}.csr" "${PKI}/${name}.ext"
}

ensure_pki() {
  [[ -f "${PKI}/.complete" ]] && return
  rm -rf "${PKI}"
  mkdir -p "${PKI}"
  gen_key "${PKI}/ca.key"
  openssl req -x509 -new -key "${PKI}/ca.key" -subj "/CN=ordinal-local-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "${PKI}/ca.crt" 2>/dev/null
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign admin "/O=system:masters/CN=ordinal-admin" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  gen_key "${PKI}/sa.key"
  openssl pkey -in "${PKI}/sa.key" -pubout -out "${PKI}/sa.pub" 2>/dev/null
  touch "${PKI}/.complete"
}

write_kubeconfig() {
  local port=$1 tmp="${KUBECONFIG_FILE}.tmp"
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ordinal
  cluster:
    server: https://127.0.0.1:${port}
    certificate-authority-data: $(base64 -w0 <"${PKI}/ca.crt")
users:
- name: ordinal-admin
  user:
    client-certificate-data: $(base64 -w0 <"${PKI}/admin.crt")
    client-key-data: $(base64 -w0 <"${PKI}/admin.key")
contexts:
- name: ordinal
  context:
    cluster: ordinal
    user: ordinal-admin
    namespace: default
current-context: ordinal
EOF
  chmod 600 "$tmp"
  mv "$tmp" "${KUBECONFIG_FILE}"
}

# --- nodes -----------------------------------------------------------------

nodes_manifest() {
  local i
  for ((i = RN_NODES; i < RN_NODES + NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: node-${i}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: node-${i}
    topology.kubernetes.io/zone: zone-$((i % 3))
    type: kwok
spec:
$(if ((RN_NODES > 0)); then echo "  taints: [{key: ordinal.dev/fake-node, value: \"true\", effect: NoSchedule}]"; else echo "  {}"; fi)
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti}
  capacity: {cpu: "32", memory: 256Gi, pods: "110", ephemeral-storage: 1Ti}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
EOF
  done
}

# --- health ----------------------------------------------------------------

all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do
    pid_of "$c" >/dev/null || return 1
  done
}

apiserver_ready() { kubectl get --raw /readyz --request-timeout=2s >/dev/null 2>&1; }

nodes_ready() {
  local ready
  ready=$(kubectl get nodes -l type=kwok --request-timeout=5s \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
    grep -c '^True$' || true)
  [[ ${ready:-0} -ge $NODES ]]
}

default_sa_exists() { kubectl get serviceaccount default -n default --request-timeout=2s -o name >/dev/null 2>&1; }

healthy() {
  all_running && [[ -f ${KUBECONFIG_FILE} ]] && apiserver_ready && nodes_ready || return 1
  ((RN_NODES == 0)) && return 0
  local i
  for ((i = 0; i < RN_NODES; i++)); do
    rn_pid "containerd-${i}" >/dev/null && rn_pid "kubelet-${i}" >/dev/null || return 1
  done
  rn_pid coredns >/dev/null && rn_pid kube-proxy >/dev/null && rn_nodes_ready
}

# wait_for WHAT COMPONENT CMD...: poll CMD until it succeeds; fail (with the
# component's log) at the deadline or if the component died.
wait_for() {
  local what=$1 comp=$2
  shift 2
  while ! "$@"; do
    pid_of "$comp" >/dev/null || fail_with_log "$comp" "${comp} exited while waiting for ${what}"
    if (($(date +%s) >= DEADLINE)); then
      fail_with_log "$comp" "timed out after ${UP_TIMEOUT}s waiting for ${what}"
    fi
    sleep 0.2
  done
}

# --- commands --------------------------------------------------------------

cmd_up() {
  local start
  start=$(now_s)
  if healthy; then
    log "cluster already up (${STATE})"
    return 0
  fi
  if [[ -d $RUN ]] && ls "$RUN"/*.pid >/dev/null 2>&1; then
    log "cluster in ${STATE} is not healthy: restarting it"
    cmd_down
  fi
  command -v openssl >/dev/null || die "openssl is required"
  local c
  for c in "${COMPONENTS[@]}" kubectl; do
    [[ -x "${BIN}/${c}" ]] || die "${BIN}/${c} not found: run scripts/install-tools.sh"
  done
  if ((NODES > 0)); then
    [[ -d "${ORDINAL_TOOLS_DIR}/kwok-stages" ]] || die "${ORDINAL_TOOLS_DIR}/kwok-stages not found: run scripts/install-tools.sh kwok"
  fi
  ((RN_NODES == 0)) || rn_preflight

  mkdir -p "$RUN" "$LOGS"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  ensure_pki

  local etcd_port etcd_peer_port api_port
  etcd_port=$(pick_port "${ORDINAL_ETCD_PORT:-}" etcd-client)
  PICKED_PORTS+="${etcd_port} "
  etcd_peer_port=$(pick_port "${ORDINAL_ETCD_PEER_PORT:-}" etcd-peer)
  PICKED_PORTS+="${etcd_peer_port} "
  api_port=$(pick_port "${ORDINAL_APISERVER_PORT:-}" kube-apiserver)
  printf 'RN_NODES=%s\nNODES=%s\n' "$RN_NODES" "$NODES" >"${RUN}/nodes"
  printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPISERVER_PORT=%s\n' \
    "$etcd_port" "$etcd_peer_port" "$api_port" >"${RUN}/ports"
  write_kubeconfig "$api_port"
  DEADLINE=$(($(date +%s) + UP_TIMEOUT))

  start etcd \
    --name ordinal \
    --data-dir "${DATA}/etcd" \
    --listen-client-urls "http://127.0.0.1:${etcd_port}" \
    --advertise-client-urls "http://127.0.0.1:${etcd_port}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer_port}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer_port}" \
    --initial-cluster "ordinal=http://127.0.0.1:${etcd_peer_port}" \
    --unsafe-no-fsync \
    --log-level warn
  wait_for "etcd" etcd curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${etcd_port}/health"

  start kube-apiserver \
    --etcd-servers "http://127.0.0.1:${etcd_port}" \
    --bind-address 127.0.0.1 \
    --advertise-address 127.0.0.1 \
    --secure-port "${api_port}" \
    --tls-cert-file "${PKI}/apiserver.crt" \
    --tls-private-key-file "${PKI}/apiserver.key" \
    --client-ca-file "${PKI}/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "${PKI}/sa.pub" \
    --service-account-signing-key-file "${PKI}/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "${PKI}/admin.crt" \
    --kubelet-client-key "${PKI}/admin.key" \
    --kubelet-preferred-address-types InternalIP \
    --endpoint-reconciler-type none \
    --allow-privileged=true \
    --profiling=false \
    --v 1
  wait_for "kube-apiserver /readyz" kube-apiserver apiserver_ready

  start_supervised kube-controller-manager \
    --kubeconfig "${KUBECONFIG_FILE}" \
    --secure-port 0 \
    --leader-elect=false \
    --controllers '*' \
    --service-account-private-key-file "${PKI}/sa.key" \
    --root-ca-file "${PKI}/ca.crt" \
    --cluster-signing-cert-file "${PKI}/ca.crt" \
    --cluster-signing-key-file "${PKI}/ca.key" \
    --profiling=false \
    --v 1
  start_supervised kube-scheduler \
    --kubeconfig "${KUBECONFIG_FILE}" \
    --secure-port 0 \
    --leader-elect=false \
    --profiling=false \
    --v 1
  ((RN_NODES == 0)) || rn_up "$api_port"
  if ((NODES > 0)); then
    start_kwok
    nodes_manifest | kubectl apply -f - >/dev/null || fail_with_log kube-apiserver "creating the fake nodes failed"
    wait_for "${NODES} Ready nodes" kwok nodes_ready
  fi
  wait_for "ServiceAccount default/default" kube-controller-manager default_sa_exists
  log "cluster up in $(elapsed "$start")s: ${RN_NODES} real and ${NODES} fake nodes, API https://127.0.0.1:${api_port}, KUBECONFIG=${KUBECONFIG_FILE}"
}

start_kwok() {
  local stages="${RUN}/kwok-stages.yaml" f
  : >"$stages"
  for f in "${ORDINAL_TOOLS_DIR}"/kwok-stages/*.yaml; do
    { echo "---"; cat "$f"; } >>"$stages"
  done
  mkdir -p "${STATE}/kwok-home"
  # HOME: keep a user's ~/.kwok/kwok.yaml out of it.
  # --node-lease-duration-seconds: the node-heartbeat-with-lease stage posts
  # node status only every 10-20 minutes and relies on kwok renewing the
  # nodes' Leases (kwokctl passes 40; the kwok binary's default, 0, disables
  # them). Without Leases the node lifecycle controller finds every node
  # NotReady ~10 minutes after start, then every ~55 s, and marks every pod
  # on them NotReady for good (kwok only readies Pending pods).
  HOME="${STATE}/kwok-home" start kwok \
    --kubeconfig "${KUBECONFIG_FILE}" \
    --config "$stages" \
    --node-lease-duration-seconds 40 \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr 10.244.0.0/16 \
    --node-ip 10.255.0.1
}

# has_real_nodes: whether the cluster in STATE started real nodes (whatever
# ORDINAL_REAL_NODES says now).
has_real_nodes() { [[ -d "${STATE}/nodes" ]] || ls "${RUN}"/kubelet-*.pid "${RUN}"/containerd-*.pid "${RUN}"/sysctl.orig >/dev/null 2>&1; }

cmd_down() {
  local i c
  has_real_nodes && rn_down
  for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop "$c"
  done
  rm -rf "$DATA" "$RUN" "${STATE}/kwok-home"
  log "cluster down (${STATE})"
}

cmd_status() {
  local c pid ok=0 i
  for c in "${COMPONENTS[@]}"; do
    if pid=$(pid_of "$c"); then
      printf '%-24s running (pid %s)\n' "$c" "$pid"
    else
      printf '%-24s not running\n' "$c"
      ok=1
    fi
  done
  [[ $ok -eq 0 ]] || return 1
  [[ -f ${KUBECONFIG_FILE} ]] || { echo "no kubeconfig"; return 1; }
  if apiserver_ready; then echo "kube-apiserver           ready"; else echo "kube-apiserver           not ready"; return 1; fi
  if nodes_ready; then echo "nodes                    ${NODES} fake Ready"; else echo "nodes                    not all Ready"; return 1; fi
  ((RN_NODES == 0)) && return 0
  for ((i = 0; i < RN_NODES; i++)); do
    for c in "containerd-${i}" "kubelet-${i}"; do
      if pid=$(rn_pid "$c"); then printf '%-24s running (pid %s)\n' "$c" "$pid"; else printf '%-24s not running\n' "$c"; ok=1; fi
    done
  done
  if rn_nodes_ready; then echo "nodes                    ${RN_NODES} real Ready"; else echo "nodes                    real nodes not all Ready"; return 1; fi
  return "$ok"
}

# restart-apiserver: stop kube-apiserver (SIGTERM, by its pid) and start it
# again with the arguments it was running with, then wait for /readyz. The
# other components reconnect by themselves. For fault tests.
cmd_restart_apiserver() {
  local pid start
  start=$(now_s)
  pid=$(pid_of kube-apiserver) || die "kube-apiserver is not running (${STATE})"
  local -a args=()
  mapfile -d '' -t args <"/proc/${pid}/cmdline"
  stop kube-apiserver
  DEADLINE=$(($(date +%s) + UP_TIMEOUT))
  start kube-apiserver "${args[@]:1}"
  wait_for "kube-apiserver /readyz" kube-apiserver apiserver_ready
  log "kube-apiserver restarted in $(elapsed "$start")s (pid ${pid} -> $(pid_of kube-apiserver))"
}

# restore-nodes: re-create the fake nodes that are missing (e.g. deleted by
# a test) and wait until every one is Ready.
cmd_restore_nodes() {
  nodes_manifest | kubectl apply -f - >/dev/null || die "creating the fake nodes failed"
  DEADLINE=$(($(date +%s) + UP_TIMEOUT))
  wait_for "${NODES} Ready nodes" kwok nodes_ready
  log "${NODES} nodes Ready"
}

cmd_env() {
  printf 'export KUBECONFIG=%q\n' "${KUBECONFIG_FILE}"
  # shellcheck disable=SC2016 # $PATH is for the shell that evals this
  printf 'export PATH=%q:"$PATH"\n' "${BIN}"
}

# node-path NODE PATH: where PATH under /mnt/disks of real node NODE is on
# this machine.
cmd_node_path() {
  local node=${1:?node name} path=${2:?path}
  [[ $node =~ ^node-[0-9]+$ && -d "${STATE}/nodes/${node}" ]] || die "${node} is not a real node of ${STATE}"
  [[ $path == /mnt/disks/* ]] || die "only paths under /mnt/disks are a node's own (got ${path})"
  echo "${STATE}/nodes/${node}/disks/${path#/mnt/disks/}"
}

# node-stop I / node-start I: a node restart (kubelet and containerd; its
# containers die with it, its disks stay). For fault tests.
cmd_node_stop() {
  local i=${1:?node index}
  rn_node_stop "$i"
  log "node-${i} stopped"
}
cmd_node_start() {
  local i=${1:?node index} api_port
  api_port=$(sed -n 's/^APISERVER_PORT=//p' "${RUN}/ports")
  rn_cgroup_create "ordinal-node-${i}"
  rn_node_start "$i" "$api_port"
  log "node-${i} started"
}

case "${1:-}" in
  up) cmd_up ;;
  leftovers) rn_leftovers ;;
  node-path) shift; cmd_node_path "$@" ;;
  node-stop) shift; cmd_node_stop "$@" ;;
  node-start) shift; cmd_node_start "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  restart-apiserver) cmd_restart_apiserver ;;
  restore-nodes) cmd_restore_nodes ;;
  *)
    echo "usage: $0 up|down|status|env|restart-apiserver|restore-nodes|leftovers|node-path|node-stop|node-start" >&2
    exit 2
    ;;
esac
