//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	tidbstyle "github.com/ordinal-dev/ordinal/examples/tidb-style"
)

// TestExampleTiDBStyle deploys examples/tidb-style with the OpenKruise
// controller running, and walks the storage group (an Advanced
// StatefulSet of 4 stores) through what a plain StatefulSet cannot do:
// reserve ordinal 1 (pod 1 and only pod 1 goes, its claim stays, a pod 4
// comes on a claim of its own, the DNS outputs follow), free it again (pod
// 1 comes back on its old claim), and update the image in place (same
// pods). Each step checks the API server, and an `up` with no change
// changes nothing.
//
// kwok has no kubelet to restart a container: during the in-place update
// the test writes the status a kubelet writes after restarting it with the
// new image (inPlaceKubelet). What is checked is OpenKruise's side and
// ordinal's await: the pods are patched, never re-created (same UIDs), the
// rollout goes store by store and completes, and `up` returns only then.
func TestExampleTiDBStyle(t *testing.T) {
	ns := namespace(t, "e2e-tidb", nil)
	const prefix = "e2e-"
	tikv := prefix + "tikv"
	deletePoolVolumes(t, prefix+"pd-disks")
	deletePoolVolumes(t, prefix+"tikv-disks")
	s := newInlineStack(t, "tidb", tidbstyle.Program)
	s.setConfig(map[string]string{"namespace": ns, "prefix": prefix, "diskPath": "/mnt/disks/e2e-tidb"})

	if _, err := kubectl("get", "crd", "statefulsets.apps.kruise.io"); err != nil {
		done := step(t, "preview without OpenKruise")
		out, err := tryPreview(s)
		require.Error(t, err, "a cluster without OpenKruise's CRD cannot take an Advanced StatefulSet")
		// Before anything is created: the read of the CRD fails in preview.
		assert.Contains(t, out, "CustomResourceDefinition "+tikv+"-kruise-crd  error: Preview failed: resource 'statefulsets.apps.kruise.io' does not exist",
			"the error names the CRD the cluster lacks:\n%s", tail(out, 40))
		done()
	}
	startKruise(t)

	done := step(t, "first up")
	s.up("first")
	waitPodsReady(t, ns, prefix+"pd", 3)
	waitPodsReady(t, ns, prefix+"tidb", 2)
	before := waitPodsReady(t, ns, tikv, 4)
	claims := claimUIDs(t, ns, tikv)
	require.Len(t, claims, 4)
	assert.Equal(t, fqdns(ns, tikv, 0, 1, 2, 3), s.outputs()["tikvPodFqdns"])
	done()

	done = step(t, "reserve ordinal 1")
	s.setConfig(map[string]string{"tikvReserve": "1"})
	s.up("reserve 1")
	after := waitPods(t, ns, tikv, 0, 2, 3, 4)
	for _, i := range []int{0, 2, 3} {
		n := podName(tikv, i)
		assert.Equal(t, before[n].UID, after[n].UID, "pod %s was re-created", n)
	}
	nowClaims := claimUIDs(t, ns, tikv)
	assert.Equal(t, claims[claimName("data", tikv, 1)], nowClaims[claimName("data", tikv, 1)], "the reserved ordinal's claim is kept")
	require.Contains(t, nowClaims, claimName("data", tikv, 4), "pod 4 has a claim of its own")
	assert.Equal(t, claimName("data", tikv, 4), podClaim(after[podName(tikv, 4)]))
	assert.Equal(t, fqdns(ns, tikv, 0, 2, 3, 4), s.outputs()["tikvPodFqdns"], "the outputs drop pod 1's name")
	res := s.up("reserve 1, again")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v", changes(res.Summary.ResourceChanges))
	done()

	done = step(t, "free ordinal 1")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	require.NoError(t, s.stack.RemoveConfig(ctx, "tikvReserve"))
	cancel()
	s.up("free 1")
	back := waitPods(t, ns, tikv, 0, 1, 2, 3)
	assert.Equal(t, claimName("data", tikv, 1), podClaim(back[podName(tikv, 1)]))
	assert.Equal(t, claims, claimUIDs(t, ns, tikv, 0, 1, 2, 3), "pod 1 is back on its old claim; no claim was re-created")
	for _, i := range []int{0, 2, 3} {
		n := podName(tikv, i)
		assert.Equal(t, before[n].UID, back[n].UID, "pod %s was re-created", n)
	}
	assert.Equal(t, fqdns(ns, tikv, 0, 1, 2, 3), s.outputs()["tikvPodFqdns"])
	done()

	done = step(t, "in-place image update, phased")
	const image = "pingcap/tikv:v8.5.2"
	stop := inPlaceKubelet(t, ns, tikv)
	// Partition 2 holds the two lowest stores: `up` returns when the
	// others run the new image, and does not wait for the held ones.
	s.setConfig(map[string]string{"tikvImage": image, "tikvPartition": "2"})
	s.up("tikv image, partition 2")
	held := waitPods(t, ns, tikv, 0, 1, 2, 3)
	for i, want := range []string{tidbstyle.DefaultTiKVImage, tidbstyle.DefaultTiKVImage, image, image} {
		n := podName(tikv, i)
		assert.Equal(t, want, held[n].Spec.Containers[0].Image, "pod %s under partition 2", n)
		assert.Equal(t, back[n].UID, held[n].UID, "pod %s was re-created", n)
	}
	s.setConfig(map[string]string{"tikvPartition": "0"})
	s.up("tikv image, partition 0")
	stop()
	updated := waitPods(t, ns, tikv, 0, 1, 2, 3)
	for n, p := range updated {
		assert.Equal(t, back[n].UID, p.UID, "pod %s was re-created, not updated in place", n)
		assert.Equal(t, image, p.Spec.Containers[0].Image, "pod %s", n)
		assert.Contains(t, p.Annotations, "apps.kruise.io/inplace-update-state", "pod %s was updated in place by OpenKruise", n)
	}
	res = s.up("tikv image, again")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v", changes(res.Summary.ResourceChanges))
	done()

	done = step(t, "InPlaceOnly refuses a change that is not an image")
	s.setConfig(map[string]string{"tikvPodUpdatePolicy": "InPlaceOnly"})
	s.up("InPlaceOnly")
	s.setConfig(map[string]string{"tikvLogLevel": "debug"})
	out, err := tryPreview(s)
	require.Error(t, err, "preview of a new argument under InPlaceOnly")
	assert.Contains(t, out, "currently only image update is allowed for InPlaceOnly", "OpenKruise's webhook refuses it in preview (a server-side dry run):\n%s", tail(out, 40))
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "InPlaceOnly strategy") {
			t.Logf("preview refused: %s", strings.TrimSpace(line))
			break
		}
	}
	_, err = s.tryUp("log level under InPlaceOnly")
	require.Error(t, err, "up of a new argument under InPlaceOnly")
	kept := waitPods(t, ns, tikv, 0, 1, 2, 3)
	for n, p := range kept {
		assert.Equal(t, back[n].UID, p.UID, "pod %s", n)
		assert.Contains(t, p.Spec.Containers[0].Args, "--log-level=info", "pod %s kept its arguments", n)
	}
	s.setConfig(map[string]string{"tikvLogLevel": "info"})
	res = s.up("log level back")
	assert.Zero(t, changes(res.Summary.ResourceChanges)["replace"], "nothing replaced: %v", changes(res.Summary.ResourceChanges))
	done()
}

// tryPreview runs `pulumi preview` and returns its output and error.
func tryPreview(s *stack) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var buf bytes.Buffer
	_, err := s.stack.Preview(ctx, optpreview.ProgressStreams(&buf), optpreview.ErrorProgressStreams(&buf), optpreview.SuppressProgress())
	if err != nil {
		return buf.String() + "\n" + err.Error(), err
	}
	return buf.String(), nil
}

// waitPods waits until exactly the pods of sts with these ordinals exist,
// Running and Ready.
func waitPods(t *testing.T, ns, sts string, ordinals ...int) map[string]corev1.Pod {
	t.Helper()
	want := make([]string, len(ordinals))
	for i, o := range ordinals {
		want[i] = podName(sts, o)
	}
	var ps map[string]corev1.Pod
	eventually(t, waitTimeout, fmt.Sprintf("pods %v of %s/%s, and no other, Running and Ready", want, ns, sts), func() (bool, string) {
		ps = pods(t, ns, sts)
		if !slices.Equal(slices.Sorted(maps.Keys(ps)), want) {
			return false, describePods(ps)
		}
		for _, p := range ps {
			if !podReady(p) {
				return false, describePods(ps)
			}
		}
		return true, ""
	})
	return ps
}

// claimUIDs maps the names of the claims of sts's pods (all, or of these
// ordinals) to their UIDs.
func claimUIDs(t *testing.T, ns, sts string, ordinals ...int) map[string]types.UID {
	t.Helper()
	var list corev1.PersistentVolumeClaimList
	getJSON(t, &list, "pvc", "-n", ns, "-l", "app.kubernetes.io/instance="+sts)
	out := map[string]types.UID{}
	for _, c := range list.Items {
		out[c.Name] = c.UID
	}
	if len(ordinals) == 0 {
		return out
	}
	some := map[string]types.UID{}
	for _, o := range ordinals {
		n := claimName("data", sts, o)
		some[n] = out[n]
	}
	return some
}

// podClaim is the claim a pod mounts as its data volume.
func podClaim(p corev1.Pod) string {
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.Name == "data" {
			return v.PersistentVolumeClaim.ClaimName
		}
	}
	return ""
}

func fqdns(ns, sts string, ordinals ...int) []any {
	out := make([]any, len(ordinals))
	for i, o := range ordinals {
		out[i] = fmt.Sprintf("%s.%s.%s.svc.cluster.local", podName(sts, o), sts, ns)
	}
	return out
}

// inPlaceKubelet does, for the pods of sts, what a kubelet does during an
// in-place update and kwok does not: once OpenKruise changed a container's
// image, report the container restarted with it; once OpenKruise set the
// InPlaceUpdateReady gate True again, report the pod Ready. The returned
// func stops it.
func inPlaceKubelet(t *testing.T, ns, sts string) (stop func()) {
	t.Helper()
	quit, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
			}
			var list corev1.PodList
			if err := tryGetJSON(&list, "pods", "-n", ns, "-l", podSelector(sts)); err != nil {
				continue
			}
			for _, p := range list.Items {
				if ops := kubeletOps(p); len(ops) > 0 {
					patch, _ := json.Marshal(ops)
					if _, err := kubectl("patch", "pod", "-n", ns, p.Name, "--subresource=status", "--type=json", "-p", string(patch)); err != nil {
						t.Logf("in-place kubelet: %v", err)
					}
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-stopped
	}
}

// kubeletOps are the JSON patch operations on a pod's status that a
// kubelet would make now: a restarted container's new image, or Ready once
// every readiness gate is True.
func kubeletOps(p corev1.Pod) []map[string]any {
	if _, ok := p.Annotations["apps.kruise.io/inplace-update-state"]; !ok {
		return nil
	}
	var ops []map[string]any
	images := map[string]string{}
	for _, c := range p.Spec.Containers {
		images[c.Name] = c.Image
	}
	for i, cs := range p.Status.ContainerStatuses {
		if want := images[cs.Name]; want != "" && cs.Image != want {
			ops = append(ops,
				map[string]any{"op": "replace", "path": fmt.Sprintf("/status/containerStatuses/%d/image", i), "value": want},
				map[string]any{"op": "replace", "path": fmt.Sprintf("/status/containerStatuses/%d/restartCount", i), "value": cs.RestartCount + 1})
		}
	}
	if len(ops) > 0 {
		return ops
	}
	gates := map[corev1.PodConditionType]bool{}
	for _, g := range p.Spec.ReadinessGates {
		gates[g.ConditionType] = false
	}
	ready := -1
	for i, c := range p.Status.Conditions {
		if _, ok := gates[c.Type]; ok {
			gates[c.Type] = c.Status == corev1.ConditionTrue
		}
		if c.Type == corev1.PodReady && c.Status != corev1.ConditionTrue {
			ready = i
		}
	}
	if ready < 0 || slices.Contains(slices.Collect(maps.Values(gates)), false) {
		return nil
	}
	return []map[string]any{{"op": "replace", "path": fmt.Sprintf("/status/conditions/%d", ready), "value": map[string]any{
		"type": "Ready", "status": "True", "lastTransitionTime": time.Now().UTC().Format(time.RFC3339),
	}}}
}
