//go:build e2e

package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components"
)

// TestRemovingABoundVolumeIsRefused is issue 17, item 3: with Protection
// none, removing from the pool a node whose PV a claim holds used to hang
// `up` (the PV stuck Terminating until the provider gave up, 6m40s), and
// the PV was deleted later, when its claim went, although its policy was
// Retain. The pool's admission policy (localpv.KeepBound) makes the API
// server refuse that deletion at once: `up` fails fast naming the claim,
// the next `up` says it again, and the PV stays Bound with no deletion
// timestamp. Putting the node back is a no-op; a destroy that deletes the
// claims on purpose still deletes every PV.
func TestRemovingABoundVolumeIsRefused(t *testing.T) {
	ns := namespace(t, "e2e-keep-bound", nil)
	p := defaultParams(ns, "kb", "e2e-kb-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "keep-bound", deletionProgram(p, deletionOpts{
		WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
		Deletion:    components.DeletionBackground,
		Protection:  components.ProtectNone,
	}))

	done := step(t, "deploy on a pool with Protection none")
	s.up("protection none")
	waitPodsReady(t, ns, p.Name, int(p.Replicas))
	bound := bindings(t, ns, p.Name, "data", []int{0})[0]
	node := pvNodes(bound.PV)
	require.Len(t, node, 1)
	t.Logf("claim %s is bound to %s on %s", bound.PVC.Name, bound.PV.Name, node[0])
	done()

	all := slices.Clone(p.Nodes)
	p.Nodes = slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == node[0] })
	for _, attempt := range []string{"first", "second"} {
		done = step(t, attempt+" up without the bound volume's node: refused")
		start := time.Now()
		_, err := s.tryUp(attempt + " removal")
		took := time.Since(start)
		require.Error(t, err)
		assert.ErrorContains(t, err, "is bound to the claim "+ns+"/"+bound.PVC.Name)
		assert.ErrorContains(t, err, "Keep the volume in the pool, or delete the claim first")
		t.Logf("refused after %s", took.Round(100*time.Millisecond))
		var pv corev1.PersistentVolume
		getJSON(t, &pv, "pv", bound.PV.Name)
		assert.Equal(t, bound.PV.UID, pv.UID, "the same PV")
		assert.Nil(t, pv.DeletionTimestamp, "no deletion is pending: Retain stays Retain")
		assert.Equal(t, corev1.VolumeBound, pv.Status.Phase)
		assert.Equal(t, corev1.PersistentVolumeReclaimRetain, pv.Spec.PersistentVolumeReclaimPolicy)
		done()
	}

	done = step(t, "node back in the pool")
	p.Nodes = all
	s.up("node back")
	again := s.up("no-op")
	assert.True(t, onlySame(again.Summary.ResourceChanges), "%v", again.Summary.ResourceChanges)
	done()

	done = step(t, "destroy with claims deleted on purpose deletes every PV")
	s.destroy("keep bound")
	eventually(t, waitTimeout, "the pool's PVs and policy gone", func() (bool, string) {
		out, err := kubectl("get", "pv,validatingadmissionpolicy,validatingadmissionpolicybinding", "-l", "app.kubernetes.io/instance="+p.Pool, "-o", "name")
		return err == nil && len(out) == 0, string(out)
	})
	done()
}
