package engines

// How ZooKeeper servers join and leave (see ZooKeeper and
// cluster.MembershipJob).
//
// ZooKeeper's membership here is static: zoo.cfg lists the servers, and a
// change of Replicas is a new zoo.cfg that rolls through every server
// (dynamic reconfiguration needs a writable configuration directory and a
// super user; the profile keeps reconfigEnabled=false). A static change
// is safe when, at every moment of the roll, any two majorities of the
// old and the new server lists share a server that has the newest
// writes. The membership Job makes sure of it before the StatefulSet
// changes.
//
// Success contract: the Job "<name>-members-<N>" completes, and lets `up`
// change the StatefulSet to N servers, only when
//
//   - no pod of the ensemble exists (creation, or `up` after `destroy`;
//     neither the servers' names nor the governing Service's resolve,
//     three times in a row): nothing to check; or
//   - N is the ensemble's current size (the most servers the zoo.cfg of
//     any server that stays lists): an image or template change; or
//   - every server that stays answers `srvr` as leader, follower or
//     standalone, and the step is safe:
//     scale-down from C: N ≥ C/2+1 (the servers that stay hold a
//     majority of the old list, so one of them has every committed
//     write, and the old servers cannot elect without them);
//     scale-up from C: N ≤ 2·C (the new, empty servers are never a
//     majority of the new list, so they cannot elect a leader among
//     themselves).
//
// Otherwise it fails at once (and `up` with it, the StatefulSet
// untouched) with what to do: a step that is too large names the size to
// go to first (5 → 1 is 5 → 3 → 2 → 1 with three `up`s); a server that
// stays and does not serve names its pod. When servers that stay do not
// answer at all for two minutes, it fails too.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// ZooKeeperMembershipScript is the membership Job's script (bash: the
// ZooKeeper images have it); see the contract at the top of
// zookeeper_membership.go. It talks to the servers with four-letter words
// (`conf`, `srvr`) on the client port, each bounded by `timeout`.
func ZooKeeperMembershipScript() string {
	return fmt.Sprintf(`set -u
fail() { echo "$*" >&2; echo "$*" >/dev/termination-log 2>/dev/null; exit 1; }
sts=$ORDINAL_STATEFULSET svc=$ORDINAL_SERVICE first=$ORDINAL_START want=$ORDINAL_REPLICAS
# word HOST WORD: the server's answer to a four-letter word.
word() { timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf %%s "$3" >&3 && cat <&3' zk "$1" %[1]d "$2" 2>/dev/null; }
host() { echo "$sts-$1.$svc"; }
# The servers that would stay, were the ensemble already this large.
current=0 tries=0 missing=0
while :; do
  resolved=0 answered=0 current=0
  i=$first
  while [ "$i" -lt $((first + want)) ]; do
    h=$(host "$i")
    if getent hosts "$h" >/dev/null 2>&1; then
      resolved=$((resolved + 1))
      if conf=$(word "$h" conf) && [ -n "$conf" ]; then
        answered=$((answered + 1))
        n=$(printf '%%s\n' "$conf" | grep -c '^server\.[0-9]*=')
        [ "$n" -eq 0 ] && n=1
        [ "$n" -gt "$current" ] && current=$n
      fi
    fi
    i=$((i + 1))
  done
  # No name resolves, three times in a row: no pod exists.
  if [ "$resolved" -eq 0 ] && ! getent hosts "$ORDINAL_SERVICE_FQDN" >/dev/null 2>&1; then
    missing=$((missing + 1))
    if [ "$missing" -ge 3 ]; then
      echo "no pod of $sts exists: nothing to check"
      exit 0
    fi
  else
    missing=0
  fi
  [ "$answered" -gt 0 ] && break
  if [ "$resolved" -eq 0 ]; then sleep 1; continue; fi
  tries=$((tries + 1))
  if [ "$tries" -ge 40 ]; then
    fail "no server of $sts that stays answers: a change of the ensemble needs a serving one; the StatefulSet keeps its replicas"
  fi
  sleep 3
done
echo "the ensemble has $current servers; the StatefulSet is to run $want"
if [ "$current" -eq "$want" ]; then
  echo "the same size: nothing to check"
  exit 0
fi
if [ "$want" -lt "$current" ]; then
  need=$((current / 2 + 1))
  if [ "$want" -lt "$need" ]; then
    fail "scaling ZooKeeper from $current to $want servers at once could lose writes: only a majority of the $current servers ($need) is sure to have each one; scale down in steps, to $need first; the StatefulSet keeps its replicas"
  fi
  stay=$want
else
  if [ "$want" -gt $((2 * current)) ]; then
    fail "scaling ZooKeeper from $current to $want servers at once would let the $((want - current)) new, empty servers elect a leader among themselves; scale up in steps, to $((2 * current)) first; the StatefulSet keeps its replicas"
  fi
  stay=$current
fi
i=$first
while [ "$i" -lt $((first + stay)) ]; do
  h=$(host "$i")
  out=$(word "$h" srvr)
  mode=$(printf '%%s\n' "$out" | sed -n 's/^Mode: //p')
  why=${mode:-no answer}
  [ -z "$mode" ] && [ -n "$out" ] && why="not serving requests"
  case "$mode" in
  leader|follower|standalone) echo "$sts-$i serves ($mode)" ;;
  *) fail "$sts-$i does not serve ($why): no server joins or leaves while one that stays is out of the quorum; the StatefulSet keeps its replicas" ;;
  esac
  i=$((i + 1))
done
if [ "$want" -lt "$current" ]; then
  i=$((first + current - 1))
  while [ "$i" -ge $((first + want)) ]; do echo "leaving: $sts-$i"; i=$((i - 1)); done
else
  i=$((first + current))
  while [ "$i" -lt $((first + want)) ]; do echo "joining: $sts-$i"; i=$((i + 1)); done
fi
echo "safe: the new server list reaches every server as the StatefulSet rolls it, one at a time"
`, ZooKeeperClientPort)
}

// zooKeeperMembership is the membership Job of the ZooKeeper profile: the
// ZooKeeper image's bash runs ZooKeeperMembershipScript.
func zooKeeperMembership() *cluster.MembershipJob {
	return &cluster.MembershipJob{InitJob: cluster.InitJob{
		Command: []string{"bash", "-c", ZooKeeperMembershipScript(), "zookeeper-membership"},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("32Mi"),
		}},
	}}
}
