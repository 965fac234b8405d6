package engines

// How CockroachDB-style nodes leave (see Cockroach and
// cluster.MembershipJob).
//
// Success contract: before the StatefulSet goes down to N nodes, the
// membership Job "<name>-members-<N>" decommissions every node whose pod
// ordinal is N or more (`cockroach node decommission <ids> --wait=all`,
// highest ordinal first, all in one call so that no range moves onto a
// node that is about to leave) and waits until CockroachDB reports each
// one "decommissioned": its replicas have moved to the nodes that stay.
// Only then does `up` shrink the StatefulSet. The Job refuses, and `up`
// fails with the StatefulSet untouched, when
//
//   - fewer than MinNodes (the replication factor, default 3) live nodes
//     would stay: the ranges could not keep their replicas, and the
//     decommission would never end;
//   - a node that stays is not live: its replicas are already missing one
//     copy;
//   - CockroachDB refuses or does not finish the decommission;
//   - no node answers `node status` for two minutes.
//
// With no pod at all (creation, or `up` after `destroy`) or no node to
// take out (a scale-up, an image change), it has nothing to do. It talks
// to pod 0's node (always staying) with the cluster's security flags.
//
// A node is identified by its advertised address, "<pod>.<service>":
// rows of `node status` for the same address that are already
// decommissioned are earlier incarnations and are skipped, so a re-run
// (after a killed `up`) only finishes what is left.
//
// A pod that later comes back on the claim of a decommissioned node
// (scaling up again) does not start: CockroachDB refuses a decommissioned
// node's store. Its data was moved to the other nodes by the
// decommission; delete that claim before scaling up again.
//
// This contract is tested against a fake `cockroach` binary
// (TestCockroachMembershipScript), not a real cluster: no CockroachDB
// binary runs in this project's test clusters.

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// DefaultCockroachMinNodes is the fewest nodes a scale-down may leave: the
// default replication factor of CockroachDB's ranges.
const DefaultCockroachMinNodes = 3

// Env of the Cockroach membership Job.
const (
	cockroachBinaryEnv   = "ORDINAL_COCKROACH"
	cockroachSecurityEnv = "ORDINAL_COCKROACH_FLAGS"
	cockroachMinNodesEnv = "ORDINAL_COCKROACH_MIN_NODES"
)

// CockroachMembershipScript is the membership Job's script (sh); see the
// contract at the top of cockroach_membership.go. Its env:
// ORDINAL_COCKROACH (the binary), ORDINAL_COCKROACH_FLAGS (the security
// flags), ORDINAL_COCKROACH_MIN_NODES and the membership Job's own.
func CockroachMembershipScript() string {
	return fmt.Sprintf(`set -u
fail() { echo "$*" >&2; echo "$*" >/dev/termination-log 2>/dev/null; exit 1; }
sts=$ORDINAL_STATEFULSET svc=$ORDINAL_SERVICE first=$ORDINAL_START want=$ORDINAL_REPLICAS min=$%[2]s
last=$((first + want))
host="$sts-$first.$svc:%[1]d"
# shellcheck disable=SC2086 # the flags are words
ctl() { "$%[3]s" "$@" $%[4]s --host="$host"; }
if [ "$want" -eq 0 ]; then
  echo "scaling $sts to 0 stops every node: no node is decommissioned"
  exit 0
fi
# status prints "<ordinal> <id> <is_live> <membership> <pod>" for each
# node advertised as a pod of the StatefulSet (node status --decommission,
# tab-separated: the columns are found by name).
status() {
  raw=$(ctl node status --decommission --format=tsv 2>&1) || return 1
  printf '%%s\n' "$raw" | awk -F'\t' -v sts="$sts" -v svc="$svc" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      a = $col["address"]; sub(/:[0-9]+$/, "", a)
      p = a; sub(/\..*/, "", p); o = substr(p, length(sts) + 2)
      if (a == p "." svc && substr(p, 1, length(sts) + 1) == sts "-" && o ~ /^[0-9]+$/)
        print o, $col["id"], $col["is_live"], $col["membership"], p
    }'
}
missing=0 tries=0
until out=$(status) && [ -n "$out" ]; do
  if ! getent hosts "$ORDINAL_SERVICE_FQDN" >/dev/null 2>&1; then
    missing=$((missing + 1))
    if [ "$missing" -ge 3 ]; then echo "no pod of $sts exists: nothing to decommission"; exit 0; fi
    sleep 1
    continue
  fi
  tries=$((tries + 1))
  if [ "$tries" -ge 40 ]; then
    fail "no node of $sts answers node status at $host ($(ctl node status 2>&1 | tail -n 1)): a decommission needs a working cluster; the StatefulSet keeps its replicas"
  fi
  sleep 3
done
echo "nodes now (ordinal, id, live, membership, pod):"
printf '%%s\n' "$out"
leaving=$(printf '%%s\n' "$out" | awk -v last="$last" '$1 >= last && $4 != "decommissioned"' | sort -rn)
if [ -z "$leaving" ]; then
  echo "no node at or above ordinal $last to decommission"
  exit 0
fi
staying=$(printf '%%s\n' "$out" | awk -v last="$last" '$1 < last && $4 == "active"')
down=$(printf '%%s\n' "$staying" | awk '$3 != "true" { printf "%%s%%s (node %%s)", s, $5, $2; s = ", " }')
if [ -n "$down" ]; then
  fail "$down is not live: no node is decommissioned while one that stays is down; the StatefulSet keeps its replicas"
fi
live=$(printf '%%s\n' "$staying" | awk 'NF > 0' | wc -l)
if [ "$live" -lt "$min" ]; then
  fail "decommissioning would leave $live nodes, fewer than the replication factor $min: the ranges could not keep $min replicas; keep spec.replicas at $min or more (or lower num_replicas of every zone first); the StatefulSet keeps its replicas"
fi
ids=$(printf '%%s\n' "$leaving" | awk '{ printf "%%s%%s", s, $2; s = " " }')
printf '%%s\n' "$leaving" | while read -r ord id live membership pod; do echo "decommissioning $pod (node $id)"; done
# shellcheck disable=SC2086 # one word per id
if ! res=$(ctl node decommission $ids --wait=all 2>&1); then
  fail "CockroachDB did not decommission node(s) $ids, so the StatefulSet keeps its replicas: $(printf '%%s' "$res" | tail -n 3 | tr '\n' ' ')"
fi
printf '%%s\n' "$res" | tail -n 5
now=$(status) || fail "node status failed after the decommission"
printf '%%s\n' "$leaving" | while read -r ord id live membership pod; do
  state=$(printf '%%s\n' "$now" | awk -v id="$id" '$2 == id { print $4 }')
  [ "$state" = decommissioned ] || fail "$pod (node $id) is $state after the decommission, not decommissioned; the StatefulSet keeps its replicas"
  echo "decommissioned $pod (node $id)"
done || exit 1
`, CockroachGRPCPort, cockroachMinNodesEnv, cockroachBinaryEnv, cockroachSecurityEnv)
}

// cockroachMembership is the membership Job of the Cockroach profile: the
// node image's /bin/sh runs CockroachMembershipScript with the cluster's
// security flags; with TLS, the certificates are projected as in the pods.
func cockroachMembership(binary string, security []string, minNodes int32, certs *cluster.Config) *cluster.MembershipJob {
	m := &cluster.MembershipJob{InitJob: cluster.InitJob{
		Command: []string{"/bin/sh", "-c", CockroachMembershipScript(), "cockroach-membership"},
		Env: []corev1.EnvVar{
			{Name: cockroachBinaryEnv, Value: binary},
			{Name: cockroachSecurityEnv, Value: strings.Join(security, " ")},
			{Name: cockroachMinNodesEnv, Value: strconv.Itoa(int(minNodes))},
		},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("64Mi"),
		}},
	}}
	if certs != nil {
		m.Volumes = []corev1.Volume{{Name: certs.VolumeName, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			Sources: certs.Sources, DefaultMode: certs.DefaultMode,
		}}}}
		m.VolumeMounts = []corev1.VolumeMount{{Name: certs.VolumeName, MountPath: certs.MountPath, ReadOnly: true}}
	}
	return m
}
