//go:build e2e

package realpods

import (
	"fmt"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// nodeLoss takes the node of the pod pick chooses away for good (kubelet
// and containerd stopped, every container of the node killed, not
// started again during the operation) and does what the README's
// "Losing a node for good" tells the user to do:
//
//  1. kubectl delete node <node>
//  2. kubectl delete pvc <data claim of the pod> --wait=false
//  3. kubectl delete pod <pod> --force --grace-period=0
//
// The StatefulSet then starts the pod again with a new claim, which binds
// a free volume on a node that is left (the operation adds one on each
// surviving node: the capacity the user provides), and the member joins
// anew from its empty data directory (etcd: the start script removes the
// old member and adds itself; ZooKeeper: the server syncs from the
// leader). Checked: the database keeps its quorum throughout the loss
// (records written while the node is gone), the new member holds every
// record itself (read from that member alone), the pod runs on another
// node on a new claim, and
// the lost node's volume still exists, Released, with its UID: nothing
// was deleted that the user did not delete. Then the node is repaired
// (started again: it registers anew), which changes nothing for the
// cluster.
func nodeLoss(class string, pick func(r *safetyRun) string) safetyOp {
	return safetyOp{name: "node loss (one node gone for good)", run: func(r *safetyRun) string {
		t := r.t
		pod := pick(r)
		var p corev1.Pod
		env.GetJSON(t, &p, "pod", "-n", r.ns, pod)
		node := p.Spec.NodeName
		index, ok := strings.CutPrefix(node, "node-")
		require.True(t, ok, "%s runs on %s, not a real node", pod, node)
		old := r.claims[pod]

		// Spare volumes on the nodes that are left.
		var spare strings.Builder
		for _, i := range r.group.indices {
			if fmt.Sprint(i) != index {
				spare.WriteString(localDisk(t, class, fmt.Sprintf("%s-spare-%d", class, i), i, r.diskPath+"/spare"))
			}
		}
		_, err := env.KubectlIn([]byte(spare.String()), "apply", "-f", "-")
		require.NoError(t, err)

		clusterScript(t, "node-stop", index)
		repaired := false
		t.Cleanup(func() {
			if !repaired {
				clusterScript(t, "node-start", index)
			}
		})
		// The cluster serves without the node: a quorum of the others.
		keys := recordKeys("nodeloss", 10)
		r.store.write(t, keys)
		r.written = append(r.written, keys...)

		start := time.Now()
		env.MustKubectl(t, "delete", "node", node)
		env.MustKubectl(t, "delete", "pvc", "-n", r.ns, engines.DataClaimName+"-"+pod, "--wait=false")
		env.MustKubectl(t, "delete", "pod", "-n", r.ns, pod, "--force", "--grace-period=0")
		harness.Eventually(t, waitReady, pod+" runs again on another node", func() (bool, string) {
			p, ok := clusterPods(t, r.ns, r.name)[pod]
			if !ok {
				return false, "no pod"
			}
			return p.Spec.NodeName != "" && p.Spec.NodeName != node && ready(p),
				fmt.Sprintf("on %q, phase %s, ready %v", p.Spec.NodeName, p.Status.Phase, ready(p))
		})
		back := time.Since(start)
		env.GetJSON(t, &p, "pod", "-n", r.ns, pod)

		// The member on the new claim holds every record itself.
		held := 0
		if m, ok := r.store.(memberReader); ok {
			harness.Eventually(t, time.Minute, pod+" holds every record", func() (bool, string) {
				held = readBack(r.written, m.readMember(t, pod))
				return held == len(r.written), fmt.Sprintf("%d of %d", held, len(r.written))
			})
		}
		now := r.claimOf(pod)
		assert.NotEqual(t, old.PVC, now.PVC, "%s has a new claim", pod)
		var lost corev1.PersistentVolume
		env.GetJSON(t, &lost, "pv", old.PV)
		assert.Equal(t, old.PVUID, string(lost.UID), "the lost node's volume %s still exists", old.PV)
		assert.Equal(t, corev1.VolumeReleased, lost.Status.Phase, "the lost node's volume is Released, its data kept (Retain)")
		r.claims[pod] = now

		clusterScript(t, "node-start", index)
		repaired = true
		r.group.nodeBack(t, node)
		return fmt.Sprintf("%s lost with %s; after `delete node`, `delete pvc`, `delete pod`: %s Ready on %s on a new claim in %s, "+
			"holding all %d records itself; 10 records written while the node was gone; the lost volume %s kept (Released)",
			node, pod, pod, p.Spec.NodeName, back.Round(time.Second), held, old.PV)
	}}
}
