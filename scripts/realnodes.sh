# shellcheck shell=bash disable=SC2034
# Real Kubernetes nodes for the local cluster: sourced by scripts/cluster.sh.
#
# Contract: `rn_up` leaves ORDINAL_REAL_NODES nodes node-0..node-N-1 Ready, each
# a real kubelet v1.37 with its own containerd 1.6 (Debian), on one Linux
# bridge, with CoreDNS answering cluster.local and kube-proxy (iptables)
# serving ClusterIPs. `rn_down` stops every process by PID and leaves no
# mount, iptables rule, bridge, cgroup directory, network namespace, sysctl
# change or mount-point directory behind; `rn_leftovers` lists anything that
# is left and is empty after a clean down.
#
# Network (nothing leaves the machine): bridge ${RN_BRIDGE} with
# ${RN_POD_NET}.0.1/16; node i has the IP ${RN_POD_NET}.0.(i+1) on it and
# hands its pods ${RN_POD_NET}.(i+1).0/24. Pods get no default route (only
# the service CIDR via the bridge), no masquerade, and a guard rule drops
# anything forwarded from the pod network to another interface. CoreDNS
# runs on the host, bound to the bridge address, with the kubernetes plugin
# only: it forwards nothing.
#
# One machine, several "machines": each node's containerd and kubelet run in
# a mount namespace of their own in which the paths a node owns are its own
# directories: /mnt/disks (local PVs), and the paths kubelet, containerd
# 1.6 and libcni hard-code (/var/lib/kubelet, /var/log/containers,
# /var/lib/cni, /run/containerd, /run/netns). So three nodes can each have
# a /mnt/disks/ssd0 of their own, like three machines, and every mount a
# node makes dies with its namespace. On the host, node i's /mnt/disks is
# ${STATE}/nodes/node-i/disks (`cluster.sh node-path`).
#
# Image stores survive down/up: node i's containerd root lives in
# ${RN_CACHE}/node-i, so images (scripts/images.sh) are unpacked once per
# machine and re-imported only when their tarball changes. Only one cluster
# with real nodes runs on a machine at a time (they share the bridge).

RN_NODES="${ORDINAL_REAL_NODES:-0}"
RN_CACHE="${ORDINAL_NODE_CACHE:-${HOME}/.cache/ordinal-realnode}"
RN_BRIDGE="${ORDINAL_BRIDGE:-ordbr0}"
RN_POD_NET="10.88"
RN_GW="${RN_POD_NET}.0.1"
RN_SVC_CIDR="10.96.0.0/16"
RN_DNS_IP="10.96.0.10"
RN_CNI_BIN="${ORDINAL_CNI_BIN:-/usr/lib/cni}"
RN_MAX=9
# Directories every node gets under its /mnt/disks (an admin's disks).
RN_DISKS=(${ORDINAL_NODE_DISKS:-ssd0 ssd1 ssd2 ssd3 www data})
# Host paths each node gets a private copy of (see above).
RN_PRIVATE=(/var/lib/kubelet /var/log/containers /var/lib/cni /run/containerd /run/netns /mnt/disks)
RN_CGROUPS=(cpu cpuacct cpuset memory devices freezer blkio pids systemd hugetlb net_cls net_prio perf_event unified)
RN_IMAGES_DIR="${ORDINAL_TOOLS_DIR}/images"

rn_node_dir() { echo "${STATE}/nodes/node-$1"; }
rn_node_ip() { echo "${RN_POD_NET}.0.$(($1 + 1))"; }
rn_sock() { echo "$(rn_node_dir "$1")/c.sock"; }
rn_ctr() { local i=$1; shift; ctr --address "$(rn_sock "$i")" -n k8s.io "$@"; }

# rn_pid NAME: pid of the real-node process NAME if it runs (its command line
# names a file under ${STATE}, so a recycled pid does not count).
rn_pid() {
  local f="${RUN}/$1.pid" pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ && -r /proc/${pid}/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF -- "${STATE}/" || return 1
  echo "$pid"
}

# rn_start NAME CMD...: run CMD detached in its own session, log to logs/NAME.log.
rn_start() {
  local name=$1
  shift
  setsid "$@" </dev/null >"${LOGS}/${name}.log" 2>&1 &
  echo $! >"${RUN}/${name}.pid"
}

rn_stop() {
  local name=$1 pid
  if pid=$(rn_pid "$name"); then terminate "$pid" "$name" 10; fi
  rm -f "${RUN}/${name}.pid"
}

rn_preflight() {
  [[ $(id -u) -eq 0 ]] || die "real nodes need root (kubelet, containerd, bridge, iptables)"
  [[ -d /sys/fs/cgroup/memory && -d /sys/fs/cgroup/cpu ]] || die "real nodes expect cgroup v1 hierarchies under /sys/fs/cgroup"
  local c missing=()
  for c in containerd containerd-shim-runc-v2 runc ctr iptables ip unshare nsenter setsid; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  [[ -x ${RN_CNI_BIN}/bridge && -x ${RN_CNI_BIN}/host-local && -x ${RN_CNI_BIN}/loopback ]] || missing+=("CNI plugins in ${RN_CNI_BIN}")
  ((${#missing[@]} == 0)) || die "real nodes need: ${missing[*]} (scripts/install-node-deps.sh installs them)"
  for c in kubelet kube-proxy coredns; do
    [[ -x "${BIN}/${c}" ]] || die "${BIN}/${c} not found: run scripts/install-tools.sh"
  done
  [[ -f "${RN_IMAGES_DIR}/pause.tar" ]] || die "${RN_IMAGES_DIR}/pause.tar not found: run scripts/images.sh build"
  ((RN_NODES <= RN_MAX)) || die "at most ${RN_MAX} real nodes (ORDINAL_REAL_NODES=${RN_NODES})"
  # One real cluster per machine: the bridge and the node caches are shared.
  local owner
  if [[ -f "${RN_CACHE}/owner" ]]; then
    owner=$(<"${RN_CACHE}/owner")
    if [[ $owner != "${STATE}" ]] && ip link show "${RN_BRIDGE}" >/dev/null 2>&1; then
      die "another local cluster with real nodes is running (${owner}): stop it with ORDINAL_CLUSTER_DIR=${owner} scripts/cluster.sh down"
    fi
  fi
}

# --- network ---------------------------------------------------------------

rn_guard_rule() { iptables "$1" FORWARD -s "${RN_POD_NET}.0.0/16" ! -o "${RN_BRIDGE}" -j DROP -m comment --comment ordinal-realnode-guard; }

rn_net_up() {
  if ! ip link show "${RN_BRIDGE}" >/dev/null 2>&1; then
    ip link add "${RN_BRIDGE}" type bridge
    ip addr add "${RN_GW}/16" dev "${RN_BRIDGE}"
  fi
  local i ip
  for ((i = 1; i < RN_NODES; i++)); do
    ip=$(rn_node_ip "$i")
    ip addr show dev "${RN_BRIDGE}" | grep -q "inet ${ip}/" || ip addr add "${ip}/32" dev "${RN_BRIDGE}"
  done
  ip link set "${RN_BRIDGE}" up
  if [[ ! -f "${RUN}/sysctl.orig" ]]; then
    [[ -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null || true
    printf 'ip_forward=%s\nbridge_nf=%s\n' "$(cat /proc/sys/net/ipv4/ip_forward)" \
      "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo NA)" >"${RUN}/sysctl.orig"
  fi
  # Service traffic between pods on one bridge must pass iptables (kube-proxy DNAT).
  echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
  rn_guard_rule -C 2>/dev/null || rn_guard_rule -I
}

rn_net_down() {
  while rn_guard_rule -D 2>/dev/null; do :; done
  if ip link show "${RN_BRIDGE}" >/dev/null 2>&1; then ip link del "${RN_BRIDGE}"; fi
  if [[ -f "${RUN}/sysctl.orig" ]]; then
    local ipf bnf
    ipf=$(sed -n 's/^ip_forward=//p' "${RUN}/sysctl.orig")
    bnf=$(sed -n 's/^bridge_nf=//p' "${RUN}/sysctl.orig")
    echo "$ipf" >/proc/sys/net/ipv4/ip_forward
    [[ $bnf == NA ]] || echo "$bnf" >/proc/sys/net/bridge/bridge-nf-call-iptables
    rm -f "${RUN}/sysctl.orig"
  fi
}

# rn_iptables_cleanup: remove every KUBE-* chain (kube-proxy's and kubelet's)
# and the jumps to them, IPv4 and IPv6.
rn_iptables_cleanup() {
  local ipt tbl ch rule
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null || continue
    for tbl in filter nat mangle; do
      for ch in $("$ipt" -t "$tbl" -S 2>/dev/null | awk '/^-N KUBE-/{print $2}'); do
        "$ipt" -t "$tbl" -S 2>/dev/null | { grep -E -- "-j ${ch}( |\$)" || true; } | sed 's/^-A/-D/' |
          while read -r rule; do eval "$ipt -t $tbl $rule" 2>/dev/null || true; done
      done
      for ch in $("$ipt" -t "$tbl" -S 2>/dev/null | awk '/^-N KUBE-/{print $2}'); do "$ipt" -t "$tbl" -F "$ch" 2>/dev/null || true; done
      for ch in $("$ipt" -t "$tbl" -S 2>/dev/null | awk '/^-N KUBE-/{print $2}'); do "$ipt" -t "$tbl" -X "$ch" 2>/dev/null || true; done
    done
  done
}

# --- cgroups ---------------------------------------------------------------

rn_cgroup_create() {
  local c d
  for c in "${RN_CGROUPS[@]}"; do
    d=/sys/fs/cgroup/$c
    [[ -d $d ]] || continue
    mkdir -p "$d/$1"
    if [[ $c == cpuset ]]; then
      cat "$d/cpuset.cpus" >"$d/$1/cpuset.cpus"
      cat "$d/cpuset.mems" >"$d/$1/cpuset.mems"
    fi
  done
}

# rn_cgroup_remove NAME: leaf-first; a directory that still has tasks stays
# (and rn_leftovers reports it).
rn_cgroup_remove() {
  local c
  for c in "${RN_CGROUPS[@]}"; do
    [[ -d /sys/fs/cgroup/$c/$1 ]] || continue
    find "/sys/fs/cgroup/$c/$1" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# --- one node --------------------------------------------------------------

# rn_mountpoints_create: the host paths the nodes' namespaces mount over must
# exist; the ones this script creates are recorded and removed by down.
rn_mountpoints_create() {
  local p q missing
  for p in "${RN_PRIVATE[@]}"; do
    missing=()
    for ((q = 0; ; q++)); do
      [[ -d $p ]] && break
      missing+=("$p")
      p=$(dirname "$p")
    done
    for ((q = ${#missing[@]} - 1; q >= 0; q--)); do
      mkdir "${missing[$q]}"
      echo "${missing[$q]}" >>"${RUN}/created-dirs"
    done
  done
}

rn_mountpoints_remove() {
  [[ -f "${RUN}/created-dirs" ]] || return 0
  local p
  # Deepest first; only empty directories (nothing of the host's is touched).
  sort -r "${RUN}/created-dirs" | while read -r p; do rmdir "$p" 2>/dev/null || true; done
  rm -f "${RUN}/created-dirs"
}

# rn_node_config I API_PORT: containerd, CNI and kubelet configuration of node I.
rn_node_config() {
  local i=$1 api_port=$2 d ip sock
  d=$(rn_node_dir "$i")
  ip=$(rn_node_ip "$i")
  sock=$(rn_sock "$i")
  mkdir -p "$d"/{kubelet,cni/net.d,cni/ipam,pod-logs,disks} "${RN_CACHE}/node-${i}"/{root,state}
  local p
  for p in "${RN_PRIVATE[@]}"; do mkdir -p "$d/private${p}"; done
  for p in "${RN_DISKS[@]}"; do mkdir -p "$d/disks/$p"; done
  cat >"$d/containerd.toml" <<TOML
version = 2
root = "${RN_CACHE}/node-${i}/root"
state = "${RN_CACHE}/node-${i}/state"
[grpc]
  address = "${sock}"
[ttrpc]
  address = "${sock}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:1"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${RN_CNI_BIN}"
    conf_dir = "${d}/cni/net.d"
    max_conf_num = 1
TOML
  cat >"$d/cni/net.d/10-ordinal.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "ordinal",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "${RN_BRIDGE}",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "${d}/cni/ipam",
        "ranges": [[{"subnet": "${RN_POD_NET}.0.0/16", "rangeStart": "${RN_POD_NET}.$((i + 1)).1", "rangeEnd": "${RN_POD_NET}.$((i + 1)).254", "gateway": "${RN_GW}"}]],
        "routes": [{"dst": "${RN_SVC_CIDR}"}]
      }
    }
  ]
}
JSON
  write_component_kubeconfig "node-${i}" "$api_port" "$d/kubeconfig"
  cat >"$d/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
failSwapOn: false
cgroupDriver: cgroupfs
cgroupRoot: /ordinal-node-${i}
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
containerRuntimeEndpoint: unix://${sock}
imageServiceEndpoint: unix://${sock}
address: ${ip}
port: $((10250 + 10 * i))
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $((10248 + 10 * i))
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: ${PKI}/ca.crt}
authorization: {mode: AlwaysAllow}
clusterDomain: cluster.local
clusterDNS: [${RN_DNS_IP}]
resolvConf: ""
rotateCertificates: false
serverTLSBootstrap: false
serializeImagePulls: false
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 5s
podLogsDir: ${d}/pod-logs
maxPods: 50
shutdownGracePeriod: 0s
YAML
}

# rn_containerd_up I: containerd of node I in a new mount namespace whose
# private paths are node I's own directories.
rn_containerd_up() {
  local i=$1 d p script
  d=$(rn_node_dir "$i")
  rn_pid "containerd-${i}" >/dev/null && return 0
  script='set -e; d=$1; shift
for p in "$@"; do mount --bind "$d/private$p" "$p"; done
mount --bind "$d/disks" /mnt/disks
exec /usr/bin/containerd --config "$d/containerd.toml"'
  local privs=()
  for p in "${RN_PRIVATE[@]}"; do [[ $p == /mnt/disks ]] || privs+=("$p"); done
  rn_start "containerd-${i}" unshare --mount --propagation private -- /bin/sh -c "$script" node "$d" "${privs[@]}"
  local deadline=$(($(date +%s) + 30))
  until rn_ctr "$i" version >/dev/null 2>&1; do
    rn_pid "containerd-${i}" >/dev/null || fail_with_log "containerd-${i}" "containerd of node-${i} exited"
    (($(date +%s) < deadline)) || fail_with_log "containerd-${i}" "containerd of node-${i} did not answer in 30s"
    sleep 0.2
  done
}

# rn_images_import I: import every image tarball of .tools/images that node I
# has not imported in its current form (keyed by the tarball's inode, size and
# mtime: scripts/images.sh hard-links a new file when an image changes).
rn_images_import() {
  local i=$1 f key seen="${RN_CACHE}/node-${i}/imported"
  touch "$seen"
  for f in "${RN_IMAGES_DIR}"/*.tar; do
    [[ -f $f ]] || continue
    key="$(basename "$f") $(stat -Lc '%i %s %Y' "$f")"
    grep -qxF -- "$key" "$seen" && continue
    rn_ctr "$i" image import "$f" >/dev/null || die "node-${i}: importing $(basename "$f") failed"
    grep -v "^$(basename "$f") " "$seen" >"${seen}.tmp" || true
    echo "$key" >>"${seen}.tmp"
    mv "${seen}.tmp" "$seen"
  done
}

rn_kubelet_up() {
  local i=$1 d cpid
  d=$(rn_node_dir "$i")
  rn_pid "kubelet-${i}" >/dev/null && return 0
  cpid=$(rn_pid "containerd-${i}") || die "containerd of node-${i} is not running"
  rn_cgroup_create "ordinal-node-${i}"
  rn_start "kubelet-${i}" nsenter --mount="/proc/${cpid}/ns/mnt" -- "${BIN}/kubelet" \
    --config "$d/kubelet.yaml" --kubeconfig "$d/kubeconfig" \
    --root-dir "$d/kubelet" --cert-dir "$d/kubelet/pki" \
    --hostname-override "node-${i}" --node-ip "$(rn_node_ip "$i")" \
    --node-labels "ordinal.dev/node-kind=real,topology.kubernetes.io/zone=zone-${i}" --v 1
}

# rn_node_stop I: stop node I's kubelet and containerd, kill its containers
# and shims (by pid), remove its cgroups. Its namespace, and with it every
# mount the node made, is gone once its last process is.
rn_node_stop() {
  local i=$1 c p cmd sock
  sock=$(rn_sock "$i")
  rn_stop "kubelet-${i}"
  if rn_pid "containerd-${i}" >/dev/null; then
    for c in $(rn_ctr "$i" tasks ls -q 2>/dev/null); do rn_ctr "$i" tasks kill -s KILL "$c" >/dev/null 2>&1 || true; done
    sleep 0.5
    for c in $(rn_ctr "$i" tasks ls -q 2>/dev/null); do rn_ctr "$i" tasks delete -f "$c" >/dev/null 2>&1 || true; done
    for c in $(rn_ctr "$i" containers ls -q 2>/dev/null); do rn_ctr "$i" containers delete "$c" >/dev/null 2>&1 || true; done
  fi
  rn_stop "containerd-${i}"
  # Shims outlive containerd by design (containerd 1.6 writes no pid file for
  # them): the ones started for this node's socket, by pid.
  for p in /proc/[0-9]*; do
    cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
    [[ $cmd == *containerd-shim*"-address ${sock} "* ]] && kill -KILL "${p#/proc/}" 2>/dev/null || true
  done
  local deadline=$(($(date +%s) + 10))
  while rn_node_procs "$i" | grep -q . && (($(date +%s) < deadline)); do sleep 0.2; done
  rn_cgroup_remove "ordinal-node-${i}"
}

# rn_node_procs I: pids of processes still in node I's cgroups or started
# for its socket.
rn_node_procs() {
  local c
  for c in "${RN_CGROUPS[@]}"; do
    [[ -d /sys/fs/cgroup/$c/ordinal-node-$1 ]] || continue
    find "/sys/fs/cgroup/$c/ordinal-node-$1" -name tasks -exec cat {} + 2>/dev/null
  done | sort -u
}

rn_node_start() {
  local i=$1 api_port=$2
  rn_containerd_up "$i"
  rn_kubelet_up "$i"
}

# --- certificates ----------------------------------------------------------

rn_pki() {
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth" i
  # What an earlier up of this cluster directory signed stays (a cluster
  # directory may be reused with more nodes).
  [[ -f "${PKI}/kube-proxy.crt" ]] || sign kube-proxy "/CN=system:kube-proxy" "$client"
  [[ -f "${PKI}/coredns.crt" ]] || sign coredns "/CN=ordinal:coredns" "$client"
  for ((i = 0; i < RN_MAX; i++)); do
    [[ -f "${PKI}/node-${i}.crt" ]] || sign "node-${i}" "/O=system:nodes/CN=system:node:node-${i}" "$client"
  done
}

# write_component_kubeconfig NAME PORT FILE: a kubeconfig with NAME's certificate.
write_component_kubeconfig() {
  local name=$1 port=$2 file=$3
  cat >"${file}" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: ordinal
  cluster: {server: "https://127.0.0.1:${port}", certificate-authority: "${PKI}/ca.crt"}
users:
- name: ${name}
  user: {client-certificate: "${PKI}/${name}.crt", client-key: "${PKI}/${name}.key"}
contexts:
- name: ordinal
  context: {cluster: ordinal, user: ${name}}
current-context: ordinal
YAML
  chmod 600 "${file}"
}

# --- cluster DNS and kube-proxy ---------------------------------------------

rn_dns_objects() {
  cat <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "ordinal:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "ordinal:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "ordinal:coredns"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "ordinal:coredns"}
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  clusterIP: ${RN_DNS_IP}
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-host
  namespace: kube-system
  labels: {kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: ordinal-cluster-sh}
addressType: IPv4
endpoints:
- addresses: ["${RN_GW}"]
  conditions: {ready: true}
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
YAML
}

rn_addons_up() {
  local api_port=$1 health ready
  write_component_kubeconfig coredns "$api_port" "${STATE}/coredns.kubeconfig"
  write_component_kubeconfig kube-proxy "$api_port" "${STATE}/kube-proxy.kubeconfig"
  rn_dns_objects | kubectl apply -f - >/dev/null || fail_with_log kube-apiserver "creating the cluster DNS objects failed"
  health=$(pick_port "" coredns-health); PICKED_PORTS+="${health} "
  ready=$(pick_port "" coredns-ready); PICKED_PORTS+="${ready} "
  # The kubernetes plugin only: no forward plugin, so no name outside
  # cluster.local is ever looked up anywhere.
  cat >"${STATE}/Corefile" <<EOF2
.:53 {
    bind ${RN_GW}
    errors
    health 127.0.0.1:${health}
    ready 127.0.0.1:${ready}
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${STATE}/coredns.kubeconfig ordinal
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
}
EOF2
  rn_pid coredns >/dev/null || rn_start coredns "${BIN}/coredns" -conf "${STATE}/Corefile"
  cat >"${STATE}/kube-proxy.yaml" <<EOF2
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: ${STATE}/kube-proxy.kubeconfig}
hostnameOverride: node-0
mode: iptables
clusterCIDR: ${RN_POD_NET}.0.0/16
healthzBindAddress: 127.0.0.1:$(pick_port "" kube-proxy-health)
metricsBindAddress: 127.0.0.1:$(pick_port "" kube-proxy-metrics)
nodePortAddresses: ["${RN_GW}/32"]
iptables: {masqueradeAll: false, localhostNodePorts: false}
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF2
  # Supervised, as a node's service manager or DaemonSet restarts it:
  # kube-proxy exits when the Node it is named after (node-0) is deleted
  # or changes its addresses (its NodeManager, by design), and a node lost
  # for good is deleted. Unsupervised, Services made after that loss never
  # got rules: the client Service of the next cluster was unreachable.
  # The rules in place stay while it restarts; after a restart it waits up
  # to 30 s for its Node before it syncs.
  rn_pid kube-proxy >/dev/null || rn_start kube-proxy bash -c \
    'trap "kill -TERM \$child 2>/dev/null; wait \$child; exit 0" TERM INT
while :; do
  "$1" --config "$2" --v 1 & child=$!
  wait $child; rc=$?
  echo "ordinal: kube-proxy exited ($rc); restarting in 1s"
  sleep 1
done' kube-proxy-supervisor "${BIN}/kube-proxy" "${STATE}/kube-proxy.yaml"
  local deadline=$(($(date +%s) + 30))
  until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${ready}/ready"; do
    rn_pid coredns >/dev/null || fail_with_log coredns "coredns exited"
    (($(date +%s) < deadline)) || fail_with_log coredns "coredns not ready in 30s"
    sleep 0.3
  done
}

# --- the whole set ---------------------------------------------------------

rn_nodes_ready() {
  local ready
  ready=$(kubectl get nodes -l ordinal.dev/node-kind=real --request-timeout=5s \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
    grep -c '^True$' || true)
  [[ ${ready:-0} -ge $RN_NODES ]]
}

# rn_up API_PORT: network, nodes (images imported in parallel), DNS, proxy;
# waits until every real node is Ready.
rn_up() {
  local api_port=$1 i start
  start=$(now_s)
  mkdir -p "${RN_CACHE}"
  echo "${STATE}" >"${RN_CACHE}/owner"
  rn_pki
  rn_net_up
  rn_mountpoints_create
  for ((i = 0; i < RN_NODES; i++)); do
    rn_node_config "$i" "$api_port"
    rn_containerd_up "$i"
  done
  local pids=()
  for ((i = 0; i < RN_NODES; i++)); do
    rn_images_import "$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || die "importing images failed"; done
  log "real nodes: images in place after $(elapsed "$start")s"
  for ((i = 0; i < RN_NODES; i++)); do rn_kubelet_up "$i"; done
  rn_addons_up "$api_port"
  local deadline=$(($(date +%s) + UP_TIMEOUT))
  until rn_nodes_ready; do
    for ((i = 0; i < RN_NODES; i++)); do
      rn_pid "kubelet-${i}" >/dev/null || fail_with_log "kubelet-${i}" "kubelet of node-${i} exited"
    done
    (($(date +%s) < deadline)) || fail_with_log kubelet-0 "timed out waiting for ${RN_NODES} Ready real nodes"
    sleep 0.3
  done
  log "real nodes: ${RN_NODES} Ready in $(elapsed "$start")s"
}

# rn_drain: with the controllers stopped nothing re-creates pods: delete them
# all so every kubelet tears its sandboxes down the normal way (CNI DEL, netns
# removed, volumes unmounted). Bounded; what is left is killed by rn_node_stop.
rn_drain() {
  apiserver_ready || return 0
  kubectl delete pods --all -A --grace-period=1 --wait=false --request-timeout=10s >/dev/null 2>&1 || true
  local deadline=$(($(date +%s) + 40)) i n
  while (($(date +%s) < deadline)); do
    n=0
    for ((i = 0; i < RN_MAX; i++)); do
      rn_pid "containerd-${i}" >/dev/null || continue
      n=$((n + $(rn_ctr "$i" tasks ls -q 2>/dev/null | wc -l)))
    done
    ((n == 0)) && break
    sleep 1
  done
}

# rn_down: everything rn_up started or changed, in reverse. Called with the
# API server still up (for the drain) or already gone.
rn_down() {
  local i
  stop kube-controller-manager
  rn_drain
  rn_stop kube-proxy
  if [[ -x "${BIN}/kube-proxy" ]]; then "${BIN}/kube-proxy" --cleanup >"${LOGS}/kube-proxy-cleanup.log" 2>&1 || true; fi
  rn_stop coredns
  for ((i = RN_MAX - 1; i >= 0; i--)); do
    [[ -d $(rn_node_dir "$i") || -f "${RUN}/containerd-${i}.pid" ]] && rn_node_stop "$i"
  done
  rn_iptables_cleanup
  rn_net_down
  rn_mountpoints_remove
  # The nodes' disks go with the cluster: their PersistentVolumes are gone
  # with etcd's data, and old data must never reappear in a new volume.
  rm -rf "${STATE}/nodes"
  [[ -f "${RN_CACHE}/owner" && $(<"${RN_CACHE}/owner") == "${STATE}" ]] && rm -f "${RN_CACHE}/owner"
  return 0
}

# rn_leftovers: one line for anything real nodes leave on the machine;
# nothing after a clean down.
rn_leftovers() {
  local p cmd c
  set +o pipefail
  for p in /proc/[0-9]*; do
    cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
    [[ $cmd == *"${STATE}/"* || $cmd == *"${RN_CACHE}/"* ]] && echo "process ${p#/proc/}: ${cmd:0:160}"
  done
  { grep -F -e " ${STATE}/" -e " ${RN_CACHE}/" /proc/self/mountinfo || true; } | awk '{print "mount " $5}'
  ip link show "${RN_BRIDGE}" >/dev/null 2>&1 && echo "bridge ${RN_BRIDGE}"
  for c in iptables ip6tables; do
    command -v "$c" >/dev/null || continue
    { "$c-save" 2>/dev/null | grep -E 'KUBE-|ordinal-realnode' || true; } | sed "s/^/${c} rule /"
  done
  for c in "${RN_CGROUPS[@]}"; do
    ls -d /sys/fs/cgroup/"$c"/ordinal-node-* 2>/dev/null | sed 's/^/cgroup /'
  done
  ls /run/netns/cni-* 2>/dev/null | sed 's/^/netns /'
  [[ -f "${RUN}/created-dirs" ]] && sed 's/^/mount point dir /' "${RUN}/created-dirs"
  [[ -f "${RUN}/sysctl.orig" ]] && echo "sysctls not restored"
  set -o pipefail
  return 0
}
