//go:build e2e

package realpods

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// TestEtcdDataSafety runs the day-2 operations and faults of the
// data-safety suite on an etcd cluster of real pods in a restricted
// namespace, first its membership changes (3 → 5 → 3 → 4 → 3, a
// scale-down refused while a member is frozen, one whose `up` is
// SIGKILLed while the membership Job runs), then the rest on three
// members: no record is lost, every expected member is a member, one
// leader after each, every pod on its claim and volume.
func TestEtcdDataSafety(t *testing.T) {
	ns := restrictedNamespace(t, "rp-safety-etcd")
	const name = "sfetcd"
	s := safetyStack(t, ns, name, etcdSafetySpec, nil)
	r := &safetyRun{t: t, engine: "etcd", ns: ns, name: name, replicas: 3, stack: s}
	store := etcdStore{ns: ns, name: name, replicas: &r.replicas}
	r.store = store
	leader := func(r *safetyRun) string { return store.leaderPod(r.t) }
	member1 := func(r *safetyRun) string { return name + "-1" }
	ops := []safetyOp{
		scale(3, 5),
		scale(5, 3),
		scale(3, 4),
		scale(4, 3),
		refusedScaleDown(3, 2, name+"-1"),
		scale(2, 3),
		killedScaleDown(3, 2),
		scale(2, 3),
		podDelete("the leader", leader),
		nodeRestart(member1),
		rollingChange("config change that rolls pods (etcd flag)", map[string]string{"extraArgs": "--snapshot-count=20000"}),
		imageRoll("etcd", "localhost/etcd:2"),
		phasedRollout("etcd", "localhost/etcd:1"),
		killedUp(map[string]string{"image": "localhost/etcd:2"}),
		apiServerRestart(map[string]string{"extraArgs": "--snapshot-count=30000"}),
		statefulSetReplacement(map[string]string{"claimLabel": "tier=gold"}),
		claimGrowth("2Gi"),
		destroyThenUp(),
		nodeLoss(name+"-disks", member1),
	}
	r.run(ops)
}

// TestMariaDBDataSafety runs the operations that apply to a single
// MariaDB primary (no election, no phased rollout over one pod, no member
// to add or remove: zero replicas are refused).
func TestMariaDBDataSafety(t *testing.T) {
	ns := restrictedNamespace(t, "rp-safety-mariadb")
	const name, password = "sfmaria", "safety-pw"
	s := safetyStack(t, ns, name, mariadbSafetySpec, map[string]string{"password": password})
	r := &safetyRun{t: t, engine: "MariaDB", ns: ns, name: name, replicas: 1, stack: s,
		store: mariadbStore{ns: ns, name: name, password: password}}
	primary := func(r *safetyRun) string { return name + "-0" }
	ops := []safetyOp{
		refusedScaleToZero(),
		podDelete("the primary", primary),
		nodeRestart(primary),
		rollingChange("config change that rolls pods (server flag)", map[string]string{"extraArgs": "--max-connections=200"}),
		imageRoll("mysql", "localhost/mariadb:2"),
		killedUp(map[string]string{"image": "localhost/mariadb:1"}),
		apiServerRestart(map[string]string{"extraArgs": "--max-connections=300"}),
		statefulSetReplacement(map[string]string{"claimLabel": "tier=gold"}),
		claimGrowth("2Gi"),
		destroyThenUp(),
	}
	r.run(ops)
}

// safetyDisk is the node path the data-safety suites' volumes live on.
const safetyDisk = "/mnt/disks/ssd3"

// safetyStack deploys the cluster build makes, named name, in ns, on
// expandableDisks (wiped when the test ends), with secret as the stack's
// secret config: the first `up` of a data-safety suite.
func safetyStack(t *testing.T, ns, name string, build safetySpec, secret map[string]string) *harness.Stack {
	t.Helper()
	class := name + "-disks"
	wipeDisks(t, class, safetyDisk)
	expandableDisks(t, class, safetyDisk)
	s := env.InlineStack(t, "safety-"+name, safetyProgram(build))
	s.SetConfig(map[string]string{"namespace": ns, "name": name, "diskPath": safetyDisk, "storageClass": class})
	if secret != nil {
		s.SetSecretConfig(secret)
	}
	s.Up("first")
	return s
}

// disksPerNode is how many volumes expandableDisks makes on each node:
// enough for a five-member cluster on the three nodes.
const disksPerNode = 2

// expandableDisks makes what the data-safety suites' claims use in place
// of a pool, so that they can grow: a no-provisioner StorageClass named
// class that allows volume expansion, and disksPerNode 4Gi local PVs of
// it in directories of diskPath on each real node, labelled like a
// pool's (wipeDisks deletes them). A LocalVolumePool refuses growth: its
// volumes are fixed-size disks; these are directories, and nothing
// resizes them.
func expandableDisks(t *testing.T, class, diskPath string) {
	t.Helper()
	var b strings.Builder
	label := "app.kubernetes.io/instance: " + class
	fmt.Fprintf(&b, `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: %s, labels: {%s}}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
allowVolumeExpansion: true
`, class, label)
	for i := 0; i < realNodes*disksPerNode; i++ {
		b.WriteString(localDisk(t, class, fmt.Sprintf("%s-%d", class, i), i%realNodes, fmt.Sprintf("%s/v%d", diskPath, i/realNodes)))
	}
	_, err := env.KubectlIn([]byte(b.String()), "apply", "-f", "-")
	require.NoError(t, err)
}

// localDisk is the manifest of a 4Gi local PV named name of class on real
// node node, in directory dir of the node (made here), labelled like a
// pool's (wipeDisks deletes it).
func localDisk(t *testing.T, class, name string, node int, dir string) string {
	t.Helper()
	host, err := hostPath(fmt.Sprintf("node-%d", node), dir)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(host, 0o755))
	return fmt.Sprintf(`---
apiVersion: v1
kind: PersistentVolume
metadata: {name: %[1]s, labels: {app.kubernetes.io/instance: %[2]s}}
spec:
  capacity: {storage: 4Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: %[2]s
  volumeMode: Filesystem
  local: {path: %[4]s}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-%[3]d]}]
`, name, class, node, dir)
}
