//go:build e2e

package realpods

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEtcdDataSafety runs the day-2 operations and faults of the
// data-safety suite on an etcd cluster of real pods in a restricted
// namespace, first its membership changes (3 → 5 → 3 → 4 → 3, a
// scale-down refused while a member is frozen, one whose `up` is
// SIGKILLed while the membership Job runs), then the rest on three
// members: no record is lost, every expected member is a member, one
// leader after each, every pod on its claim and volume.
func TestEtcdDataSafety(t *testing.T) {
	r := &safetyRun{t: t, engine: "etcd", name: "sfetcd", replicas: 3, group: useNodeGroup(t, etcdGroup)}
	r.ns = restrictedNamespace(t, "rp-safety-etcd")
	r.deploy(etcdSafetySpec, nil)
	ns, name := r.ns, r.name
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
	const password = "safety-pw"
	r := &safetyRun{t: t, engine: "MariaDB", name: "sfmaria", replicas: 1, group: useNodeGroup(t, examplesGroup)}
	r.ns = restrictedNamespace(t, "rp-safety-mariadb")
	r.deploy(mariadbSafetySpec, map[string]string{"password": password})
	name := r.name
	r.store = mariadbStore{ns: r.ns, name: name, password: password}
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

// safetyDisk is the node path under which the data-safety suites'
// volumes live, a directory per suite.
const safetyDisk = "/mnt/disks/ssd3"

// deploy makes r's stack: the cluster build makes, named r.name, in r.ns,
// on expandableDisks of r's node group (wiped when the test ends), its
// pods and Jobs on that group, with secret as the stack's secret config;
// then the first `up` of a data-safety suite.
func (r *safetyRun) deploy(build safetySpec, secret map[string]string) {
	t := r.t
	t.Helper()
	class := r.name + "-disks"
	r.diskPath = safetyDisk + "/" + r.name
	wipeDisks(t, class, r.diskPath)
	expandableDisks(t, class, r.diskPath, r.group)
	r.stack = env.InlineStack(t, "safety-"+r.name, safetyProgram(build))
	r.stack.SetConfig(map[string]string{"namespace": r.ns, "name": r.name, "diskPath": r.diskPath, "storageClass": class,
		"nodeGroup": r.group.value()})
	if secret != nil {
		r.stack.SetSecretConfig(secret)
	}
	r.stack.Up("first")
}

// disksPerNode is how many volumes expandableDisks makes on each node:
// enough for a five-member cluster on a group's three nodes.
const disksPerNode = 2

// expandableDisks makes what the data-safety suites' claims use in place
// of a pool, so that they can grow: a no-provisioner StorageClass named
// class that allows volume expansion, and disksPerNode 4Gi local PVs of
// it in directories of diskPath on each node of group g, labelled like a
// pool's (wipeDisks deletes them). A LocalVolumePool refuses growth: its
// volumes are fixed-size disks; these are directories, and nothing
// resizes them.
func expandableDisks(t *testing.T, class, diskPath string, g nodeGroup) {
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
	n := len(g.indices)
	for i := 0; i < n*disksPerNode; i++ {
		b.WriteString(localDisk(t, class, fmt.Sprintf("%s-%d", class, i), g.indices[i%n], fmt.Sprintf("%s/v%d", diskPath, i/n)))
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
