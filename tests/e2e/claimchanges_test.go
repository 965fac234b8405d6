//go:build e2e

package e2e

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestClaimSizeChangeIsRefused is issue 17, item 10: a new claim size used
// to replace the StatefulSet and leave every existing claim at its old
// size, with no word. (A larger size than the pool's 1Gi volumes is
// refused by the pool check already; a smaller one fits the pool and is
// what the API server would never apply to a claim either.) Now `preview` and `up` refuse it, naming the claim
// and the size the claims keep; the StatefulSet (same UID) and the claims
// are untouched; set back, the next `up` has nothing to do.
func TestClaimSizeChangeIsRefused(t *testing.T) {
	ns := namespace(t, "e2e-claim-size", nil)
	p := defaultParams(ns, "grow", "e2e-grow-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "claim-size", clusterProgram(p))

	done := step(t, "deploy with 1Gi claims")
	s.up("1Gi")
	waitPodsReady(t, ns, p.Name, int(p.Replicas))
	var before appsv1.StatefulSet
	getJSON(t, &before, "statefulset", "-n", ns, p.Name)
	claims := bindings(t, ns, p.Name, "data", []int{0, 1, 2})
	done()

	done = step(t, "512Mi: refused by preview and by up")
	p.ClaimSize = "512Mi"
	const want = "spec.claims[data].size: the claims of \"data\" were made with 1Gi and keep it"
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	buf, w := progress()
	_, err := s.stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.ErrorProgressStreams(w))
	require.Error(t, err, "preview must refuse the new size")
	assert.Contains(t, buf.String()+err.Error(), want)
	_, err = s.tryUp("512Mi")
	require.Error(t, err, "up must refuse the new size")
	assert.ErrorContains(t, err, want)
	var after appsv1.StatefulSet
	getJSON(t, &after, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, before.UID, after.UID, "the StatefulSet was not replaced")
	assert.Equal(t, "1Gi", after.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String())
	for i, b := range claims {
		var pvc corev1.PersistentVolumeClaim
		getJSON(t, &pvc, "pvc", "-n", ns, b.PVC.Name)
		assert.Equal(t, b.PVC.UID, pvc.UID, "claim %d", i)
		assert.Equal(t, "1Gi", pvc.Spec.Resources.Requests.Storage().String(), "claim %d", i)
	}
	done()

	done = step(t, "back to 1Gi: nothing to do")
	p.ClaimSize = ""
	res := s.up("1Gi again")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "%v", res.Summary.ResourceChanges)
	done()
	s.destroy("claim size")
}
