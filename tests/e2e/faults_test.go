//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// clusterScript runs scripts/cluster.sh cmd against the suite's cluster
// (the directory holding its kubeconfig).
func clusterScript(t *testing.T, cmd string) {
	t.Helper()
	dir := filepath.Dir(env.kubeconfig)
	_, err := os.Stat(filepath.Join(dir, "run", "kube-apiserver.pid"))
	require.NoError(t, err, "the fault tests need a cluster started by scripts/cluster.sh (its state directory holds the kubeconfig)")
	henv().ClusterScript(t, dir, cmd)
}

// background runs up in a goroutine; the channel yields its error.
func (s *stack) background(what string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := s.upUntil(what, nil)
		done <- err
	}()
	return done
}

// refresh runs `pulumi refresh` with opts.
func (s *stack) refresh(what string, opts ...optrefresh.Option) {
	s.t.Helper()
	s.h.Refresh(what, opts...)
}

// assertSameClaims compares the PVC and PV UIDs of the given ordinals.
func assertSameClaims(t *testing.T, before, after map[int]claimBinding) {
	t.Helper()
	for i, b := range before {
		assert.Equal(t, b.UIDs(), after[i].UIDs(), "PVC/PV of ordinal %d changed", i)
	}
}

func ordinalsUpTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestFaultAPIServerRestart restarts kube-apiserver while `up` scales the
// cluster from 3 to 5: re-running `up` converges, a refresh finds the
// state matching the cluster, and the first three claims are untouched.
func TestFaultAPIServerRestart(t *testing.T) {
	ns := namespace(t, "e2e-fault-api", nil)
	p := defaultParams(ns, "apirestart", "e2e-apirestart-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "apirestart", clusterProgram(p))

	done := step(t, "first up")
	s.up("first")
	before := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, waitPodsReady(t, ns, p.Name, 3))
	done()

	done = step(t, "scale to 5, restart the API server during the up")
	p.Replicas = 5
	upErr := s.background("scale to 5")
	eventually(t, waitTimeout, "StatefulSet scaled to 5 by the running up", func() (bool, string) {
		var sts appsv1.StatefulSet
		if err := tryGetJSON(&sts, "statefulset", "-n", ns, p.Name); err != nil {
			return false, err.Error()
		}
		return sts.Spec.Replicas != nil && *sts.Spec.Replicas == 5, "replicas not 5 yet"
	})
	clusterScript(t, "restart-apiserver")
	if err := <-upErr; err != nil {
		t.Logf("the interrupted up failed: %s", tail(err.Error(), 8))
	} else {
		t.Logf("the interrupted up succeeded despite the restart")
	}
	done()

	done = step(t, "re-run up, refresh")
	s.up("after restart")
	ps := waitPodsReady(t, ns, p.Name, 5)
	after := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	assertSameClaims(t, before, after)
	assertInitOnce(t, ns, p.Name)
	s.refresh("state vs cluster", optrefresh.ExpectNoChanges())
	res := s.up("second, unchanged")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	done()
}

// TestFaultPodAndNodeLoss: a pod deleted by hand comes back with the same
// name and claim; a node deleted for good leaves its ordinal Pending on a
// claim pinned to the dead node until the user deletes that ordinal's
// claim and pod, after which it binds a spare volume on another node.
func TestFaultPodAndNodeLoss(t *testing.T) {
	ns := namespace(t, "e2e-fault-node", nil)
	p := defaultParams(ns, "nodeloss", "e2e-nodeloss-pool")
	p.Nodes = []string{"node-0", "node-1", "node-2", "node-3"}
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "nodeloss", clusterProgram(p))

	done := step(t, "first up")
	s.up("first")
	ps := waitPodsReady(t, ns, p.Name, 3)
	before := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	done()

	done = step(t, "delete pod 1 by hand")
	victim := podName(p.Name, 1)
	old := ps[victim]
	mustKubectl(t, "delete", "pod", "-n", ns, victim, "--wait=false")
	eventually(t, waitTimeout, "pod 1 re-created and Ready", func() (bool, string) {
		var pod corev1.Pod
		if err := tryGetJSON(&pod, "pod", "-n", ns, victim); err != nil {
			return false, err.Error()
		}
		return pod.UID != old.UID && podReady(pod), describePods(map[string]corev1.Pod{victim: pod})
	})
	ps = waitPodsReady(t, ns, p.Name, 3)
	assert.Equal(t, old.Spec.NodeName, ps[victim].Spec.NodeName, "pod 1 follows its local volume")
	assertSameClaims(t, before, assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps))
	res := s.up("after pod deletion")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "up after a pod deletion changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	done()

	done = step(t, "delete the node of pod 1")
	dead := ps[victim].Spec.NodeName
	used := map[string]bool{}
	for _, pod := range ps {
		used[pod.Spec.NodeName] = true
	}
	spare := ""
	for _, n := range p.Nodes {
		if !used[n] {
			spare = n
		}
	}
	require.NotEmpty(t, spare, "no spare node in the pool")
	t.Cleanup(func() { clusterScript(t, "restore-nodes") })
	mustKubectl(t, "delete", "node", dead)
	deadUID := ps[victim].UID
	var stuck corev1.Pod
	eventually(t, 3*time.Minute, "pod 1 removed from the dead node and re-created, not Ready", func() (bool, string) {
		if err := tryGetJSON(&stuck, "pod", "-n", ns, victim); err != nil {
			return false, "pod 1 gone: " + err.Error()
		}
		return stuck.UID != deadUID && !podReady(stuck), describePods(map[string]corev1.Pod{victim: stuck})
	})
	reasons := []string{}
	for _, c := range stuck.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			reasons = append(reasons, c.Reason+": "+c.Message)
		}
	}
	t.Logf("pod 1 after the node loss: phase %s, node %q, scheduling %v", stuck.Status.Phase, stuck.Spec.NodeName, reasons)
	assert.Equal(t, corev1.PodPending, stuck.Status.Phase, "pod 1 waits for its node")
	// Unscheduled, or bound to the dead node by a scheduler that had not
	// seen the deletion yet (the pod garbage collector removes it again).
	assert.Contains(t, []string{"", dead}, stuck.Spec.NodeName, "pod 1 runs nowhere else")
	held := bindings(t, ns, p.Name, "data", []int{1})[1]
	assert.Equal(t, before[1].UIDs(), held.UIDs(), "claim 1 is still bound to the dead node's volume")
	assert.Equal(t, []string{dead}, pvNodes(held.PV))
	done()

	done = step(t, "move ordinal 1 to the spare volume")
	mustKubectl(t, "delete", "pvc", "-n", ns, claimName("data", p.Name, 1), "--wait=false")
	mustKubectl(t, "delete", "pod", "-n", ns, victim, "--wait=false")
	ps = waitPodsReady(t, ns, p.Name, 3)
	assert.Equal(t, spare, ps[victim].Spec.NodeName, "pod 1 runs on the spare node")
	after := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	assert.Equal(t, before[0].UIDs(), after[0].UIDs(), "claim 0 unchanged")
	assert.Equal(t, before[2].UIDs(), after[2].UIDs(), "claim 2 unchanged")
	assert.NotEqual(t, before[1].PVC.UID, after[1].PVC.UID, "claim 1 is new")
	assert.Equal(t, []string{spare}, pvNodes(after[1].PV))
	var oldPV corev1.PersistentVolume
	getJSON(t, &oldPV, "pv", before[1].PV.Name)
	assert.Equal(t, before[1].PV.UID, oldPV.UID, "the dead node's volume is kept")
	assert.Equal(t, corev1.PersistentVolumeReclaimRetain, oldPV.Spec.PersistentVolumeReclaimPolicy)
	assert.Equal(t, corev1.VolumeReleased, oldPV.Status.Phase, "the dead node's volume is Released, not reused")
	res = s.up("after moving ordinal 1")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "up after the move changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	done()
}
