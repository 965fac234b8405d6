//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// expandableClass makes a StorageClass that allows volume expansion, and
// one 4Gi local PV of it on each of nodes, all deleted when the test ends.
// Nothing resizes a local volume, so what the test checks is what the API
// server accepts and what the cluster's objects become; real growth of the
// file system is the storage driver's part.
func expandableClass(t *testing.T, name string, nodes []string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: %[1]s, labels: {e2e: %[1]s}}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
allowVolumeExpansion: true
`, name)
	for i, node := range nodes {
		fmt.Fprintf(&b, `---
apiVersion: v1
kind: PersistentVolume
metadata: {name: %[1]s-%[2]d, labels: {e2e: %[1]s}}
spec:
  capacity: {storage: 4Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: %[1]s
  local: {path: /mnt/disks/%[1]s}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [%[3]s]}]
`, name, i, node)
	}
	_, err := henv().KubectlIn([]byte(b.String()), "apply", "-f", "-")
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := kubectl("delete", "pv,storageclass", "-l", "e2e="+name, "--wait=false", "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
}

// claimSizes are the requested sizes of the data claims of ordinals.
func claimSizes(t *testing.T, ns, sts string, ordinals []int) map[int]string {
	out := map[int]string{}
	for _, i := range ordinals {
		var pvc corev1.PersistentVolumeClaim
		getJSON(t, &pvc, "pvc", "-n", ns, claimName("data", sts, i))
		out[i] = pvc.Spec.Resources.Requests.Storage().String()
	}
	return out
}

// podUIDs are the UIDs of the cluster's pods by name.
func podUIDs(t *testing.T, ns, sts string) map[string]types.UID {
	out := map[string]types.UID{}
	for name, p := range pods(t, ns, sts) {
		out[name] = p.UID
	}
	return out
}

// TestClaimGrowth is issue 13, item 2: the claims of a cluster made before
// they were declared are adopted unchanged; a larger claim size grows
// every claim of the running cluster in place (preview lists each one), then
// re-creates the StatefulSet with the new template; the pods are not
// restarted and the claims stay the same objects on the same volumes. A
// smaller size is refused by preview and up, before anything changes. The
// claims outlive `destroy`.
func TestClaimGrowth(t *testing.T) {
	ns := namespace(t, "e2e-claim-growth", nil)
	p := defaultParams(ns, "grow", "")
	p.StorageClass = "e2e-expandable"
	expandableClass(t, p.StorageClass, p.Nodes[:3])
	s := newInlineStack(t, "claim-growth", clusterProgram(p))
	ordinals := []int{0, 1, 2}

	done := step(t, "claims made by another manager, as the StatefulSet controller made them before")
	// A cluster from before the claims were declared: its claims were made
	// by the StatefulSet controller. kubectl stands in for it (another
	// field manager, an Update operation); the first `up` must adopt them
	// unchanged, and a later growth must take their size over (patchForce).
	var made strings.Builder
	for _, i := range ordinals {
		fmt.Fprintf(&made, `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: %s
  labels: {app.kubernetes.io/component: database, app.kubernetes.io/instance: %s}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: %s
  volumeMode: Filesystem
  resources: {requests: {storage: 1Gi}}
`, claimName("data", p.Name, i), p.Name, p.StorageClass)
	}
	_, err := henv().KubectlIn([]byte(made.String()), "create", "-n", ns, "-f", "-")
	require.NoError(t, err)
	premade := map[int]types.UID{}
	for _, i := range ordinals {
		var pvc corev1.PersistentVolumeClaim
		getJSON(t, &pvc, "pvc", "-n", ns, claimName("data", p.Name, i))
		premade[i] = pvc.UID
	}
	done()

	done = step(t, "deploy with 1Gi claims: the claims are adopted")
	s.up("1Gi")
	waitPodsReady(t, ns, p.Name, int(p.Replicas))
	var before appsv1.StatefulSet
	getJSON(t, &before, "statefulset", "-n", ns, p.Name)
	claims := bindings(t, ns, p.Name, "data", ordinals)
	for _, i := range ordinals {
		assert.Equal(t, premade[i], claims[i].PVC.UID, "claim %d is the one made before", i)
	}
	podsBefore := podUIDs(t, ns, p.Name)
	assert.Equal(t, map[int]string{0: "1Gi", 1: "1Gi", 2: "1Gi"}, claimSizes(t, ns, p.Name, ordinals))
	done()

	done = step(t, "2Gi: preview shows each claim growing")
	p.ClaimSize = "2Gi"
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	buf, w := progress()
	var pre auto.PreviewResult
	pre, err = s.stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.ErrorProgressStreams(w), optpreview.Diff())
	require.NoError(t, err, tail(buf.String(), 40))
	out := buf.String()
	t.Logf("preview:\n%s", out)
	for _, i := range ordinals {
		claim := claimName("data", p.Name, i)
		assert.Regexp(t, `~ kubernetes:core/v1:PersistentVolumeClaimPatch: \(update\)[\s\S]*?\[urn=\S+::grow-claim-`+claim+`\][\s\S]*?~ storage\s*: "1Gi" => "2Gi"`, out, "claim %s", claim)
	}
	assert.Equal(t, 3, pre.ChangeSummary["update"], "the three claims: %v", pre.ChangeSummary)
	assert.Equal(t, 1, pre.ChangeSummary["replace"], "the StatefulSet, for its template: %v", pre.ChangeSummary)
	done()

	done = step(t, "2Gi: up grows the claims, re-creates the StatefulSet, keeps the pods")
	s.up("2Gi")
	assert.Equal(t, map[int]string{0: "2Gi", 1: "2Gi", 2: "2Gi"}, claimSizes(t, ns, p.Name, ordinals), "every claim asks for the new size")
	var after appsv1.StatefulSet
	getJSON(t, &after, "statefulset", "-n", ns, p.Name)
	assert.NotEqual(t, before.UID, after.UID, "the StatefulSet is re-created with the new template")
	assert.Equal(t, "2Gi", after.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String())
	waitPodsReady(t, ns, p.Name, int(p.Replicas))
	assert.Equal(t, podsBefore, podUIDs(t, ns, p.Name), "no pod was restarted")
	for i, b := range bindings(t, ns, p.Name, "data", ordinals) {
		assert.Equal(t, claims[i].UIDs(), b.UIDs(), "claim %d is the same claim on the same volume", i)
	}
	done()

	done = step(t, "1Gi: refused by preview and by up")
	p.ClaimSize = "1Gi"
	const want = `spec.claims[data].size: the claims of "data" have 2Gi, and Kubernetes never shrinks a claim; set it back to 2Gi (or larger)`
	buf, w = progress()
	_, err = s.stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.ErrorProgressStreams(w))
	require.Error(t, err, "preview must refuse the smaller size")
	assert.Contains(t, buf.String()+err.Error(), want)
	_, err = s.tryUp("1Gi")
	require.Error(t, err, "up must refuse the smaller size")
	assert.ErrorContains(t, err, want)
	var still appsv1.StatefulSet
	getJSON(t, &still, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, after.UID, still.UID, "the StatefulSet was not touched")
	assert.Equal(t, map[int]string{0: "2Gi", 1: "2Gi", 2: "2Gi"}, claimSizes(t, ns, p.Name, ordinals))
	done()

	done = step(t, "destroy keeps the claims")
	p.ClaimSize = "2Gi"
	s.destroy("claim growth")
	for i, b := range claims {
		var pvc corev1.PersistentVolumeClaim
		getJSON(t, &pvc, "pvc", "-n", ns, b.PVC.Name)
		assert.Equal(t, b.PVC.UID, pvc.UID, "claim %d outlives destroy", i)
	}
	done()
}
