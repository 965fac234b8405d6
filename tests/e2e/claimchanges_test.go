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

// TestClaimSizeChangeIsRefused is issue 17, item 10, and issue 13, item 2,
// on a local-volume pool: a new claim size used to replace the
// StatefulSet and leave every existing claim at its old size, with no
// word. A pool's volumes cannot grow, and no claim ever shrinks, so
// `preview` and `up` refuse both, naming the claim and the size the
// claims keep; the StatefulSet (same UID) and the claims are untouched;
// set back, the next `up` has nothing to do. (A size beyond the pool's 1Gi
// volumes is refused by the pool check already: the claims start at 512Mi
// so that 1Gi fits.)
func TestClaimSizeChangeIsRefused(t *testing.T) {
	ns := namespace(t, "e2e-claim-size", nil)
	p := defaultParams(ns, "grow", "e2e-grow-pool")
	p.ClaimSize = "512Mi"
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "claim-size", clusterProgram(p))

	done := step(t, "deploy with 512Mi claims")
	s.up("512Mi")
	waitPodsReady(t, ns, p.Name, int(p.Replicas))
	var before appsv1.StatefulSet
	getJSON(t, &before, "statefulset", "-n", ns, p.Name)
	claims := bindings(t, ns, p.Name, "data", []int{0, 1, 2})
	done()

	for _, tt := range []struct{ size, want string }{
		{"1Gi", `spec.claims[data].size: the claims of "data" are on the local-volume pool's storage class "e2e-grow-pool", whose volumes are disks of a fixed size on the nodes and cannot grow; set it back to 512Mi`},
		{"256Mi", `spec.claims[data].size: the claims of "data" have 512Mi, and Kubernetes never shrinks a claim; set it back to 512Mi`},
	} {
		done = step(t, tt.size+": refused by preview and by up")
		p.ClaimSize = tt.size
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		buf, w := progress()
		_, err := s.stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.ErrorProgressStreams(w))
		cancel()
		require.Error(t, err, "preview must refuse the new size")
		assert.Contains(t, buf.String()+err.Error(), tt.want)
		_, err = s.tryUp(tt.size)
		require.Error(t, err, "up must refuse the new size")
		assert.ErrorContains(t, err, tt.want)
		var after appsv1.StatefulSet
		getJSON(t, &after, "statefulset", "-n", ns, p.Name)
		assert.Equal(t, before.UID, after.UID, "the StatefulSet was not replaced")
		assert.Equal(t, "512Mi", after.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String())
		for i, b := range claims {
			var pvc corev1.PersistentVolumeClaim
			getJSON(t, &pvc, "pvc", "-n", ns, b.PVC.Name)
			assert.Equal(t, b.PVC.UID, pvc.UID, "claim %d", i)
			assert.Equal(t, "512Mi", pvc.Spec.Resources.Requests.Storage().String(), "claim %d", i)
		}
		done()
	}

	done = step(t, "back to 512Mi: nothing to do")
	p.ClaimSize = "512Mi"
	res := s.up("512Mi again")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "%v", res.Summary.ResourceChanges)
	done()
	s.destroy("claim size")
}
