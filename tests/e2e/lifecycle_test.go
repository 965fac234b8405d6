//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// TestScale scales 3 -> 5 -> 3 -> 5: the claims (and the PVs they are
// bound to) of ordinals 0-4 keep their UIDs throughout, and the claims of
// the removed ordinals stay while the cluster runs 3 pods.
func TestScale(t *testing.T) {
	ns := namespace(t, "e2e-scale", nil)
	p := defaultParams(ns, "scale", "e2e-scale-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "scale", clusterProgram(p))

	done := step(t, "up 3")
	s.up("3 replicas")
	ps := waitPodsReady(t, ns, p.Name, 3)
	first := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	done()

	done = step(t, "scale to 5")
	p.Replicas = 5
	s.up("5 replicas")
	ps = waitPodsReady(t, ns, p.Name, 5)
	at5 := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	for i := 0; i < 3; i++ {
		assert.Equal(t, first[i].UIDs(), at5[i].UIDs(), "ordinal %d: claim/volume changed on scale-up", i)
	}
	done()

	done = step(t, "scale to 3")
	p.Replicas = 3
	s.up("3 replicas again")
	ps = waitPodsReady(t, ns, p.Name, 3)
	assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	kept := bindings(t, ns, p.Name, "data", []int{0, 1, 2, 3, 4})
	for i := 0; i < 5; i++ {
		assert.Equal(t, at5[i].UIDs(), kept[i].UIDs(), "ordinal %d: claim/volume changed on scale-down", i)
	}
	done()

	done = step(t, "scale to 5 again")
	p.Replicas = 5
	s.up("5 replicas again")
	ps = waitPodsReady(t, ns, p.Name, 5)
	again := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	for i := 0; i < 5; i++ {
		assert.Equal(t, at5[i].UIDs(), again[i].UIDs(), "ordinal %d: claim/volume changed across 3->5->3->5", i)
		require.NotEqual(t, [2]types.UID{}, again[i].UIDs())
	}
	done()
}

// TestRollingUpdate changes the image: without a partition every pod moves
// to the new image before `up` returns; with a partition only the ordinals
// at or above it move, and `up` neither hangs (the provider's own await
// never ends with a partition) nor returns before they did.
func TestRollingUpdate(t *testing.T) {
	ns := namespace(t, "e2e-rolling", nil)
	p := defaultParams(ns, "rolling", "e2e-rolling-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "rolling", clusterProgram(p))

	done := step(t, "up 1.0")
	s.up("image 1.0")
	waitPodsReady(t, ns, p.Name, 3)
	firstJob := assertInitOnce(t, ns, p.Name)
	done()

	done = step(t, "rolling update to 2.0")
	p.Image = "registry.example/ordinal/db:2.0"
	res := s.up("image 2.0")
	// An image upgrade must not re-run the bootstrap: the Job ignores
	// changes to its image and keeps the one it first ran with.
	assert.Empty(t, res.Steps["kubernetes:batch/v1:Job/"+p.Name+"-init"], "steps %v", res.Steps)
	job := assertInitOnce(t, ns, p.Name)
	assert.Equal(t, firstJob.UID, job.UID, "the image upgrade re-ran the init Job")
	assert.Equal(t, "registry.example/ordinal/db:1.0", job.Spec.Template.Spec.Containers[0].Image)
	// Read right after `up` returned: the provider's StatefulSet await must
	// have waited for the whole rollout.
	ps := pods(t, ns, p.Name)
	require.Len(t, ps, 3, describePods(ps))
	for n, img := range podImages(ps) {
		assert.Equal(t, p.Image, img, "pod %s", n)
		assert.True(t, podReady(ps[n]), "pod %s not Ready when up returned", n)
	}
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, sts.Status.UpdateRevision, sts.Status.CurrentRevision, "rollout not finished when up returned")
	assert.Equal(t, components.PartitionWaitFor(3, cluster.UpdateStrategy{}), sts.Annotations["pulumi.com/waitFor"],
		"without a partition `up` waits for every pod Ready on the new revision")
	done()

	done = step(t, "partitioned update to 3.0")
	p.Image = "registry.example/ordinal/db:3.0"
	p.Partition = 1
	// Hold the last pod to move (ordinal 1) Pending: its local volume pins
	// it to its node, which is cordoned. `up` must still be waiting then;
	// it may return only once ordinal 1 runs the new image and is Ready.
	held := pods(t, ns, p.Name)[podName(p.Name, 1)].Spec.NodeName
	require.NotEmpty(t, held)
	mustKubectl(t, "cordon", held)
	t.Cleanup(func() { _, _ = kubectl("uncordon", held) })
	start := time.Now()
	upDone := make(chan error, 1)
	go func() {
		_, err := s.tryUp("image 3.0, partition 1")
		upDone <- err
	}()
	eventually(t, waitTimeout, "ordinal 1 re-created on the new revision and Pending", func() (bool, string) {
		ps := pods(t, ns, p.Name)
		pod, ok := ps[podName(p.Name, 1)]
		return ok && pod.Spec.Containers[0].Image == p.Image && pod.Status.Phase == corev1.PodPending, describePods(ps)
	})
	select {
	case err := <-upDone:
		require.FailNow(t, "up returned while ordinal 1 was still Pending", "err=%v; pods: %s", err, describePods(pods(t, ns, p.Name)))
	case <-time.After(5 * time.Second):
	}
	mustKubectl(t, "uncordon", held)
	require.NoError(t, <-upDone)
	took := time.Since(start)
	assert.Less(t, took, time.Duration(awaitTimeoutSeconds)*time.Second/2, "up with a partition took %s: did it wait for the await timeout?", took)
	ps = pods(t, ns, p.Name)
	t.Logf("right after up: %s", describePods(ps))
	images := podImages(ps)
	assert.Equal(t, map[string]string{
		podName(p.Name, 0): "registry.example/ordinal/db:2.0",
		podName(p.Name, 1): "registry.example/ordinal/db:3.0",
		podName(p.Name, 2): "registry.example/ordinal/db:3.0",
	}, images, "only ordinals >= partition move, before up returns")
	for n := range ps {
		assert.True(t, podReady(ps[n]), "pod %s not Ready when up returned", n)
	}
	getJSON(t, &sts, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, components.PartitionWaitFor(3, cluster.UpdateStrategy{Partition: 1}), sts.Annotations["pulumi.com/waitFor"])
	assert.Equal(t, int32(2), sts.Status.UpdatedReplicas)
	assert.NotEqual(t, sts.Status.UpdateRevision, sts.Status.CurrentRevision, "ordinal 0 is held on the old revision")
	done()

	done = step(t, "lower the partition to 0")
	p.Partition = 0
	s.up("partition 0")
	ps = pods(t, ns, p.Name)
	t.Logf("right after up: %s", describePods(ps))
	for n, img := range podImages(ps) {
		assert.Equal(t, p.Image, img, "pod %s", n)
	}
	ps = waitPodsReady(t, ns, p.Name, 3)
	assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	done()
}

// TestReplaceStatefulSet changes the claim template's labels, which
// replaces the StatefulSet: the old one is deleted with orphan propagation
// and the new one adopts the running pods and their claims.
func TestReplaceStatefulSet(t *testing.T) {
	ns := namespace(t, "e2e-replace", nil)
	p := defaultParams(ns, "replace", "e2e-replace-pool")
	p.ClaimLabels = map[string]string{"tier": "a"}
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "replace", clusterProgram(p))

	done := step(t, "up")
	s.up("claim label tier=a")
	before := waitPodsReady(t, ns, p.Name, 3)
	claims := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, before)
	var oldSts appsv1.StatefulSet
	getJSON(t, &oldSts, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, "orphan", oldSts.Annotations["pulumi.com/deletionPropagationPolicy"])
	done()

	done = step(t, "replace the StatefulSet")
	p.ClaimLabels = map[string]string{"tier": "b"}
	res := s.up("claim label tier=b")
	stsKey := "kubernetes:apps/v1:StatefulSet/" + p.Name + "-statefulset"
	assert.Contains(t, res.Steps[stsKey], "delete-replaced", "steps %v", res.Steps)
	assert.Contains(t, res.Steps[stsKey], "create-replacement", "steps %v", res.Steps)
	var newSts appsv1.StatefulSet
	getJSON(t, &newSts, "statefulset", "-n", ns, p.Name)
	assert.NotEqual(t, oldSts.UID, newSts.UID, "the StatefulSet was not re-created")
	var lifetime corev1.ConfigMap
	getJSON(t, &lifetime, "configmap", "-n", ns, p.Name+"-lifetime")
	require.Len(t, newSts.OwnerReferences, 1, "the new StatefulSet is owned by the lifetime ConfigMap")
	assert.Equal(t, lifetime.UID, newSts.OwnerReferences[0].UID)
	assert.Equal(t, oldSts.OwnerReferences, newSts.OwnerReferences, "the same lifetime ConfigMap owns both")
	require.Len(t, newSts.Spec.VolumeClaimTemplates, 1)
	assert.Equal(t, "b", newSts.Spec.VolumeClaimTemplates[0].Labels["tier"])

	after := waitPodsReady(t, ns, p.Name, 3)
	kept := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, after)
	for i := 0; i < 3; i++ {
		assert.Equal(t, claims[i].UIDs(), kept[i].UIDs(), "ordinal %d: claim/volume changed with the StatefulSet", i)
		// Kubernetes never updates a claim from its template, but the
		// cluster declares its claims (claim_patches.go): they follow.
		assert.Equal(t, "b", kept[i].PVC.Labels["tier"], "claim of ordinal %d", i)
	}
	for name, pod := range after {
		owner := metav1.GetControllerOf(&pod)
		require.NotNil(t, owner, "pod %s has no controller", name)
		assert.Equal(t, newSts.UID, owner.UID, "pod %s is not owned by the new StatefulSet", name)
		// Orphan deletion: the new StatefulSet adopts the same pods (the pod
		// template and hence the revision are unchanged): no pod restarts.
		assert.Equal(t, before[name].UID, pod.UID, "pod %s was re-created", name)
	}
	done()
}

// TestConfigChange changes the generated ConfigMap's data: the new
// content-addressed ConfigMap and checksum change the pod template, and the
// pods roll onto it.
func TestConfigChange(t *testing.T) {
	ns := namespace(t, "e2e-config", nil)
	p := defaultParams(ns, "config", "e2e-config-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "config", clusterProgram(p))

	done := step(t, "up")
	s.up("config v1")
	before := waitPodsReady(t, ns, p.Name, 3)
	oldCM := projectedConfigMap(t, ns, p.Name)
	oldSum := s.outputs()["configChecksum"]
	done()

	done = step(t, "no-change up")
	res := s.up("unchanged")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	done()

	done = step(t, "change the config")
	p.ConfigData = map[string]string{"db.conf": "tick=3000\n"}
	res = s.up("config v2")
	newSum := s.outputs()["configChecksum"]
	assert.NotEqual(t, oldSum, newSum, "configChecksum output")
	newCM := projectedConfigMap(t, ns, p.Name)
	assert.NotEqual(t, oldCM, newCM, "the projected volume still names the old ConfigMap")
	var cm corev1.ConfigMap
	getJSON(t, &cm, "configmap", "-n", ns, newCM)
	assert.Equal(t, p.ConfigData, cm.Data)
	_, err := kubectl("get", "configmap", "-n", ns, oldCM)
	assert.ErrorContains(t, err, "NotFound", "the old ConfigMap %s is left behind", oldCM)

	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, newSum, sts.Spec.Template.Annotations["ordinal.dev/config-checksum"])
	assert.Equal(t, sts.Status.UpdateRevision, sts.Status.CurrentRevision, "rollout not finished when up returned")
	after := pods(t, ns, p.Name)
	require.Len(t, after, 3, describePods(after))
	for name, pod := range after {
		assert.NotEqual(t, before[name].UID, pod.UID, "pod %s did not roll", name)
		assert.Equal(t, sts.Status.UpdateRevision, pod.Labels[appsv1.ControllerRevisionHashLabelKey], "pod %s revision", name)
		assert.Equal(t, newCM, podConfigMap(pod), "pod %s mounts", name)
	}
	done()
}

// projectedConfigMap is the ConfigMap the StatefulSet's config volume
// projects.
func projectedConfigMap(t *testing.T, ns, sts string) string {
	t.Helper()
	var set appsv1.StatefulSet
	getJSON(t, &set, "statefulset", "-n", ns, sts)
	return podConfigMap(corev1.Pod{Spec: set.Spec.Template.Spec})
}

// podConfigMap is the ConfigMap projected into a pod's "config" volume.
func podConfigMap(p corev1.Pod) string {
	for _, v := range p.Spec.Volumes {
		if v.Name != "config" || v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ConfigMap != nil {
				return src.ConfigMap.Name
			}
		}
	}
	return ""
}

// TestDestroyAndRecreate destroys the stack and brings it up again: the
// pods are gone when destroy returns, the pool's PVs (RetainOnDelete,
// reclaim policy Retain) and the claims outlive it, and the next up adopts
// the PVs and the claims again, under server-side apply, while the
// re-created StatefulSet starts new pods on the same claims.
func TestDestroyAndRecreate(t *testing.T) {
	ns := namespace(t, "e2e-recreate", nil)
	p := defaultParams(ns, "recreate", "e2e-recreate-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "recreate", clusterProgram(p))

	done := step(t, "up")
	s.up("first")
	before := waitPodsReady(t, ns, p.Name, 3)
	claims := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, before)
	job := assertInitOnce(t, ns, p.Name)
	var pvs corev1.PersistentVolumeList
	getJSON(t, &pvs, "pv", "-l", "app.kubernetes.io/instance="+p.Pool)
	require.Len(t, pvs.Items, len(p.Nodes))
	pvUIDs := map[string]types.UID{}
	for _, pv := range pvs.Items {
		pvUIDs[pv.Name] = pv.UID
	}
	done()

	done = step(t, "destroy")
	s.destroy("whole stack")
	var left corev1.PersistentVolumeList
	getJSON(t, &left, "pv", "-l", "app.kubernetes.io/instance="+p.Pool)
	leftUIDs := map[string]types.UID{}
	for _, pv := range left.Items {
		leftUIDs[pv.Name] = pv.UID
		assert.Equal(t, corev1.PersistentVolumeReclaimRetain, pv.Spec.PersistentVolumeReclaimPolicy, "PV %s", pv.Name)
	}
	assert.Equal(t, pvUIDs, leftUIDs, "PVs must survive destroy (RetainOnDelete)")
	stillBound := bindings(t, ns, p.Name, "data", []int{0, 1, 2})
	for i := 0; i < 3; i++ {
		assert.Equal(t, claims[i].UIDs(), stillBound[i].UIDs(), "ordinal %d: claim or PV changed by destroy", i)
	}
	_, err := kubectl("get", "statefulset", "-n", ns, p.Name)
	assert.ErrorContains(t, err, "NotFound", "the StatefulSet survived destroy")
	_, err = kubectl("get", "storageclass", p.Pool)
	assert.ErrorContains(t, err, "NotFound", "the StorageClass survived destroy")
	assert.Empty(t, initJobs(t, ns, p.Name), "the init Job survived destroy")
	assert.Empty(t, pods(t, ns, p.Name), "destroy deletes the pods (through the lifetime ConfigMap) when it returns")
	done()

	done = step(t, "up again")
	res := s.up("after destroy")
	// The PVs are created again in Pulumi's view; server-side apply
	// upserts them, so the objects (and their bindings) stay the same.
	for name := range pvUIDs {
		key := "kubernetes:core/v1:PersistentVolume/" + name
		assert.Equal(t, []string{"create"}, res.Steps[key], "PV %s", name)
	}
	getJSON(t, &left, "pv", "-l", "app.kubernetes.io/instance="+p.Pool)
	for _, pv := range left.Items {
		assert.Equal(t, pvUIDs[pv.Name], pv.UID, "PV %s was re-created instead of adopted", pv.Name)
	}
	after := waitPodsReady(t, ns, p.Name, 3)
	again := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, after)
	for i := 0; i < 3; i++ {
		assert.Equal(t, claims[i].UIDs(), again[i].UIDs(), "ordinal %d: claim/volume changed across destroy+up", i)
	}
	for name, pod := range after {
		assert.NotEqual(t, before[name].UID, pod.UID, "pod %s is a new pod on its old claim", name)
	}
	rerun := assertInitOnce(t, ns, p.Name)
	assert.NotEqual(t, job.UID, rerun.UID, "destroy deletes the init Job; up runs it again (it must be idempotent)")
	done()

	done = step(t, "no-change up after adoption")
	res = s.up("unchanged")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "up after re-adoption is not clean: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	done()
}
