package engines

// How etcd members join and leave (see Etcd and cluster.MembershipJob).
//
// Success contract:
//
//   - Scale-down to N: before the StatefulSet loses a pod, the membership
//     Job "<name>-members-<N>" removes every member whose pod ordinal is N
//     or more (`etcdctl member remove`), highest first, and waits until the
//     member list no longer has it. It talks to the members that stay, and
//     fails (and `up` with it, the StatefulSet untouched, its message in
//     `up`'s error) when none of them answers for two minutes, when one of
//     them fails `etcdctl endpoint health` (a removal then would leave the
//     cluster one failure from losing its quorum), or when etcd refuses
//     the removal. With no pod of the cluster at all (creation, or `up`
//     after `destroy`), it has nothing to do.
//   - Scale-up: a new member adds itself. Its start script asks the
//     running members for the member list; when they answer and do not
//     list it, it runs `etcdctl member add` (retried: etcd refuses an add
//     while a member is down or another one has not started yet, so joins
//     happen one at a time) and starts etcd with
//     ETCD_INITIAL_CLUSTER_STATE=existing and the member list as its
//     initial cluster. When nobody answers it bootstraps with the
//     generated ConfigMap's settings: that is the cluster's creation.
//   - A member that restarts with its data directory just starts: etcd
//     ignores the initial-* settings then. A member whose data directory
//     is gone (a new claim) while the others answer is removed and added
//     anew. Pod 0 on a new claim while no other member answers founds a
//     new, empty cluster: after losing pod 0's volume, bring the other
//     members back before its pod starts again.
//   - A pod that comes back on a claim whose member was removed (scale
//     3→5→3→5: pods 3 and 4 find their old claims) keeps the old data
//     directory as "data.removed-<time>" on its claim and joins anew. A
//     member removed while its pod still runs (the moment between the
//     Job and the StatefulSet's scale-down) waits to be deleted instead of
//     joining again: the pod's emptyDir remembers that it ran a member.
//     If the scale-down is abandoned after the Job ran (an `up` killed,
//     then replicas set back), that pod keeps waiting and is not Ready:
//     delete it, and its replacement joins anew.
//
// The etcd image is distroless (no shell), so both scripts run under a
// busybox that the "tools" init container copies into an emptyDir
// (EtcdToolsDir); etcdctl is the etcd image's.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// etcd membership defaults.
const (
	// DefaultEtcdToolsImage gives the scripts a shell: any image with a
	// static busybox binary in /bin, /usr/bin, /sbin, /usr/sbin or
	// /usr/local/bin.
	DefaultEtcdToolsImage = "busybox:1.37"
	// DefaultEtcdctl is etcdctl in the etcd image.
	DefaultEtcdctl = "/usr/local/bin/etcdctl"
	// EtcdToolsContainer is the init container (of the pods and of the
	// membership Job) that copies busybox into EtcdToolsDir; pass its
	// image under this name in components.DatabaseClusterArgs.Images.
	EtcdToolsContainer = "tools"
	// EtcdToolsVolume is the emptyDir the tools are copied into.
	EtcdToolsVolume = "tools"
	// EtcdToolsDir is where it is mounted; the shell is EtcdToolsDir/bin/sh.
	EtcdToolsDir = "/ordinal/tools"
	// etcdctlEnv names the etcdctl binary in the scripts' env (not ETCDCTL_*,
	// which etcdctl reads as flags).
	etcdctlEnv = "ORDINAL_ETCDCTL"
)

// etcdToolsInit copies busybox and one link per applet into EtcdToolsDir/bin.
func etcdToolsInit(image string) corev1.Container {
	script := `set -e
d=` + EtcdToolsDir + `/bin
mkdir -p "$d"
b=
for p in /bin /usr/bin /sbin /usr/sbin /usr/local/bin; do [ -x "$p/busybox" ] && b=$p/busybox && break; done
if [ -z "$b" ]; then echo "no busybox binary in the tools image" >&2; exit 1; fi
cp "$b" "$d/busybox.new"
mv -f "$d/busybox.new" "$d/busybox"
for a in $("$d/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$d/$a"; done`
	return corev1.Container{
		Name:         EtcdToolsContainer,
		Image:        image,
		Command:      []string{"sh", "-c", script},
		VolumeMounts: []corev1.VolumeMount{etcdToolsMount()},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi"),
		}},
	}
}

// etcdToolsVolume is the emptyDir of the tools.
func etcdToolsVolume() corev1.Volume {
	return corev1.Volume{Name: EtcdToolsVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
}

// etcdScriptEnv is the env both scripts run with.
func etcdScriptEnv(etcdctl string) []corev1.EnvVar {
	return []corev1.EnvVar{
		{Name: "PATH", Value: EtcdToolsDir + "/bin:/usr/local/bin:/usr/bin:/bin"},
		{Name: etcdctlEnv, Value: etcdctl},
	}
}

// etcdShell is the command that runs script under the copied busybox; the
// words after it are the script's "$@" ($0 is name).
func etcdShell(script, name string) []string {
	return []string{EtcdToolsDir + "/bin/sh", "-c", script, name}
}

// EtcdStartScript is the member's start script (see the contract at the
// top of etcd_membership.go). "$@" is etcd's command line; the script
// only chooses ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_STATE, may
// move a stale data directory aside, and then execs it. Its env:
// ORDINAL_ETCD_PEER_URL (this member's peer URL), ORDINAL_ETCD_ENDPOINTS
// (the client port behind the governing Service's name, which resolves
// to every pod, ready or not) and the generated ConfigMap's
// ETCD_INITIAL_*, whose cluster is the founding member alone.
//
// Whether this member is still a member is asked with a linearizable
// read (a quorum says so, or the member starts as it is); the member list
// a new member joins with is a serializable read, which a member answers
// also while an added member has not started yet and the cluster has no
// quorum.
func EtcdStartScript() string {
	return fmt.Sprintf(`set -u
data=%[1]s/data
marker=%[2]s/ran-a-member
self=$ORDINAL_ETCD_PEER_URL
ctl() { "$%[3]s" --endpoints="$ORDINAL_ETCD_ENDPOINTS" --dial-timeout=2s --command-timeout=10s "$@"; }
# The line of this member in a member list ("" when not listed).
entry() { printf '%%s\n' "$1" | grep -F ", $self, " || true; }
# The initial cluster of peer URLs on stdin, one a line: "<pod>=<URL>,...",
# each name the first label of the URL's host.
cluster() { awk '$1 != "" { u = $1; h = u; sub(/^[a-z]+:\/\//, "", h); sub(/[.:].*/, "", h); printf "%%s%%s=%%s", sep, h, u; sep = "," }'; }
urls() { awk -F', ' 'NF >= 4 { print $4 }'; }
founder=false
case ",$ETCD_INITIAL_CLUSTER" in *",$POD_NAME=$self"*) founder=true ;; esac
if ls "$data"/member/wal/*.wal >/dev/null 2>&1; then
  if list=$(ctl member list 2>/dev/null) && [ -z "$(entry "$list")" ]; then
    if [ -e "$marker" ]; then
      echo "$POD_NAME was removed from the cluster while this pod ran it (a scale-down): waiting for the StatefulSet to delete the pod"
      trap 'exit 0' TERM INT
      while :; do sleep 5 & wait $!; done
    fi
    aside="$data.removed-$(date -u +%%Y%%m%%dT%%H%%M%%SZ)"
    echo "the cluster no longer has the member in $data: keeping it as $aside and joining anew"
    mv "$data" "$aside"
  else
    touch "$marker"
    exec "$@"
  fi
fi
# No data directory: join the running cluster, or found it.
until list=$(ctl member list --consistency=s 2>/dev/null); do
  if $founder; then
    echo "no member answers at $ORDINAL_ETCD_ENDPOINTS: founding the cluster as $ETCD_INITIAL_CLUSTER"
    touch "$marker"
    exec "$@"
  fi
  echo "waiting for a member to answer at $ORDINAL_ETCD_ENDPOINTS to join the cluster"
  sleep 3
done
e=$(entry "$list")
if [ -n "$e" ] && [ -n "$(printf '%%s' "$e" | awk -F', ' '{ print $3 }')" ]; then
  # Listed and started once, but its data is gone (a new claim): the old
  # member cannot come back; take it out and join anew.
  id=${e%%%%,*}
  echo "$POD_NAME is a member ($id) whose data directory is gone: removing it to join anew"
  until ctl member remove "$id"; do sleep 3; done
  e=""
fi
if [ -n "$e" ]; then
  initial=$(printf '%%s\n' "$list" | urls | cluster)
else
  initial=""
  until [ -n "$initial" ]; do
    if out=$(ctl member add "$POD_NAME" --peer-urls="$self" 2>&1); then
      echo "added $POD_NAME ($self) to the cluster"
      initial=$(printf '%%s\n' "$out" | sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p' | tr , '\n' | sed 's/^[^=]*=//' | cluster)
    else
      echo "member add $POD_NAME: $out (retrying)"
      sleep 3
      # An add that succeeded but timed out: the member is listed.
      if list=$(ctl member list --consistency=s 2>/dev/null) && [ -n "$(entry "$list")" ]; then
        initial=$(printf '%%s\n' "$list" | urls | cluster)
      fi
    fi
  done
fi
ETCD_INITIAL_CLUSTER=$initial
ETCD_INITIAL_CLUSTER_STATE=existing
export ETCD_INITIAL_CLUSTER ETCD_INITIAL_CLUSTER_STATE
echo "joining the running cluster: $ETCD_INITIAL_CLUSTER"
touch "$marker"
exec "$@"
`, EtcdDataDir, EtcdToolsDir, etcdctlEnv)
}

// EtcdMembershipScript is the membership Job's script (see the contract at
// the top of etcd_membership.go).
func EtcdMembershipScript() string {
	return fmt.Sprintf(`set -u
# fail ends the run (the Job makes one attempt: what is worth retrying is
# retried here); its message is also the container's termination message,
# which the failed up shows.
fail() { echo "$*" >&2; echo "$*" >/dev/termination-log 2>/dev/null; exit 1; }
sts=$ORDINAL_STATEFULSET svc=$ORDINAL_SERVICE first=$ORDINAL_START keep=$ORDINAL_REPLICAS
last=$((first + keep))
# The governing Service resolves to every pod that exists, ready or not.
if nslookup "$ORDINAL_SERVICE_FQDN" >/tmp/dns 2>&1 && grep -q '^Name:' /tmp/dns; then :
elif grep -qiE "NXDOMAIN|can't find|can't resolve|no answer" /tmp/dns; then
  echo "no pod of $sts exists: no member to remove"
  exit 0
else
  cat /tmp/dns
  fail "cannot tell whether pods of $sts exist: $ORDINAL_SERVICE_FQDN does not resolve"
fi
eps="" i=$first
while [ "$i" -lt "$last" ]; do eps="$eps${eps:+,}http://$sts-$i.$svc:%[1]d"; i=$((i + 1)); done
ctl() { "$%[2]s" --endpoints="$eps" --dial-timeout=3s --command-timeout=15s "$@"; }
list() {
  n=0
  until ctl member list; do
    n=$((n + 1))
    if [ "$n" -ge 40 ]; then
      fail "none of the members that stay ($eps) answers: a membership change needs a working cluster; the StatefulSet keeps its replicas"
    fi
    sleep 3
  done
}
members=$(list) || exit 1
echo "members now:"
printf '%%s\n' "$members"
leaving=$(printf '%%s\n' "$members" | awk -F', ' -v sts="$sts" -v svc="$svc" -v last="$last" '
  NF >= 4 {
    u = $4; h = u; sub(/^[a-z]+:\/\//, "", h); sub(/:[0-9]+$/, "", h)
    p = h; sub(/\..*/, "", p); o = substr(p, length(sts) + 2)
    if (h == p "." svc && substr(p, 1, length(sts) + 1) == sts "-" && o ~ /^[0-9]+$/ && o + 0 >= last) print o, $1, p
  }' | sort -rn)
if [ -z "$leaving" ]; then
  echo "no member at or above ordinal $last: nothing to remove"
  exit 0
fi
# Every member that stays must answer before one leaves: a removal with
# one of them down would leave the cluster a failure away from its quorum.
for ep in $(echo "$eps" | tr , ' '); do
  if ! out=$("$%[2]s" --endpoints="$ep" --dial-timeout=3s --command-timeout=5s endpoint health 2>&1); then
    out=$(printf '%%s\n' "$out" | grep -v '^{' | tr '\n' ' ')
    fail "the member at $ep does not answer (${out%% }): no member leaves while one that stays is down; the StatefulSet keeps its replicas"
  fi
done
printf '%%s\n' "$leaving" | while read -r ord id pod; do
  echo "removing $pod (member $id)"
  if ! out=$(ctl member remove "$id" 2>&1); then
    out=$(printf '%%s\n' "$out" | grep -v '^{' | tr '\n' ' ')
    case "$out" in
    *"member not found"*) echo "$pod is already gone" ;;
    *) fail "etcd refused to remove $pod, so the StatefulSet keeps its replicas: ${out%% }" ;;
    esac
  fi
  n=0
  while :; do
    if now=$(ctl member list); then
      printf '%%s\n' "$now" | grep -q "^$id, " || break
    fi
    n=$((n + 1))
    if [ "$n" -ge 40 ]; then fail "$pod is still a member after 2 minutes"; fi
    sleep 3
  done
  echo "removed $pod"
done || exit
echo "members after the change:"
ctl member list
`, EtcdClientPort, etcdctlEnv)
}

// etcdMembership is the membership Job of the etcd profile.
func etcdMembership(toolsImage, etcdctl string) *cluster.MembershipJob {
	return &cluster.MembershipJob{
		InitJob: cluster.InitJob{
			Command: etcdShell(EtcdMembershipScript(), "etcd-membership"),
			Env:     etcdScriptEnv(etcdctl),
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("32Mi"),
			}},
		},
		InitContainers: []corev1.Container{etcdToolsInit(toolsImage)},
		Volumes:        []corev1.Volume{etcdToolsVolume()},
		VolumeMounts:   []corev1.VolumeMount{etcdToolsMount()},
	}
}

// etcdToolsMount mounts the tools.
func etcdToolsMount() corev1.VolumeMount {
	return corev1.VolumeMount{Name: EtcdToolsVolume, MountPath: EtcdToolsDir}
}
