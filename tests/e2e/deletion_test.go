//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// deletionOpts are the deletion knobs of deletionProgram.
type deletionOpts struct {
	WhenDeleted appsv1.PersistentVolumeClaimRetentionPolicyType
	Deletion    components.StatefulSetDeletion
	Protection  components.Protection
}

// deletionProgram is clusterProgram with the deletion knobs set.
func deletionProgram(p *clusterParams, o deletionOpts) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		pool, err := components.NewLocalVolumePool(ctx, p.Pool, &components.LocalVolumePoolArgs{
			Spec:       localpv.Spec{Nodes: p.Nodes, Path: "/mnt/disks/" + p.Pool, Capacity: "1Gi"},
			Protection: o.Protection,
		})
		if err != nil {
			return err
		}
		spec := clusterSpec(p)
		spec.ClaimRetention.WhenDeleted = o.WhenDeleted
		_, err = components.NewDatabaseCluster(ctx, p.Name, &components.DatabaseClusterArgs{
			Namespace:           pulumi.String(p.Namespace),
			Spec:                spec,
			Image:               pulumi.String(p.Image),
			Pool:                pool,
			Deletion:            o.Deletion,
			AwaitTimeoutSeconds: awaitTimeoutSeconds,
		})
		return err
	}
}

// poolVolumes lists a pool's PVs by name.
func poolVolumes(t *testing.T, pool string) map[string]corev1.PersistentVolume {
	t.Helper()
	var list corev1.PersistentVolumeList
	getJSON(t, &list, "pv", "-l", "app.kubernetes.io/instance="+pool)
	out := map[string]corev1.PersistentVolume{}
	for _, pv := range list.Items {
		out[pv.Name] = pv
	}
	return out
}

// TestDeletionKeepsClaimsByDefault: `pulumi destroy` of a default stack
// deletes the StatefulSet and its pods (issue 13, item 3:
// pulumi-kubernetes#3757), and keeps every PVC and PV, still bound to each
// other.
func TestDeletionKeepsClaimsByDefault(t *testing.T) {
	ns := namespace(t, "e2e-del-default", nil)
	p := defaultParams(ns, "keep", "e2e-keep-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "keep", deletionProgram(p, deletionOpts{}))

	done := step(t, "up")
	s.up("default deletion")
	before := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, waitPodsReady(t, ns, p.Name, 3))
	done()

	done = step(t, "destroy keeps claims and volumes")
	s.destroy("default deletion")
	_, err := kubectl("get", "statefulset", "-n", ns, p.Name)
	require.Error(t, err, "the StatefulSet is gone")
	assert.Empty(t, pods(t, ns, p.Name), "no pod is left running when destroy returns")
	_, err = kubectl("get", "configmap", "-n", ns, p.Name+"-lifetime")
	assert.ErrorContains(t, err, "NotFound", "the lifetime ConfigMap is gone")
	after := bindings(t, ns, p.Name, "data", ordinalsUpTo(3))
	assertSameClaims(t, before, after)
	for i, b := range after {
		assert.Equal(t, corev1.VolumeBound, b.PV.Status.Phase, "PV of ordinal %d", i)
		assert.Nil(t, b.PVC.DeletionTimestamp, "claim of ordinal %d is being deleted", i)
	}
	assert.Len(t, poolVolumes(t, p.Pool), 5, "every PV of the pool is kept")
	done()
}

// TestDeletionOrphanKeepsPods: switching a running cluster to
// DeletionOrphan removes the lifetime ConfigMap without touching the
// StatefulSet or a pod (the StatefulSet lets go of it first), and `destroy`
// then leaves the pods running (unmanaged) on their claims, as before issue
// 13; a replacement adopts them either way (TestReplaceStatefulSet).
func TestDeletionOrphanKeepsPods(t *testing.T) {
	ns := namespace(t, "e2e-del-orphan", nil)
	p := defaultParams(ns, "orphan", "e2e-orphan-pool")
	deletePoolVolumes(t, p.Pool)
	deletion := deletionOpts{}
	s := newInlineStack(t, "orphan", func(ctx *pulumi.Context) error { return deletionProgram(p, deletion)(ctx) })

	done := step(t, "up with the default deletion")
	s.up("default deletion")
	before := waitPodsReady(t, ns, p.Name, 3)
	claims := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, before)
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, p.Name)
	require.Len(t, sts.OwnerReferences, 1, "the lifetime ConfigMap owns the StatefulSet")
	done()

	done = step(t, "switch to DeletionOrphan: nothing but the lifetime ConfigMap goes")
	deletion.Deletion = components.DeletionOrphan
	s.up("orphan deletion")
	var after appsv1.StatefulSet
	getJSON(t, &after, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, sts.UID, after.UID, "the StatefulSet is the same object")
	assert.Empty(t, after.OwnerReferences, "no lifetime ConfigMap owns the StatefulSet")
	_, err := kubectl("get", "configmap", "-n", ns, p.Name+"-lifetime")
	assert.ErrorContains(t, err, "NotFound")
	for name, pod := range waitPodsReady(t, ns, p.Name, 3) {
		assert.Equal(t, before[name].UID, pod.UID, "%s kept running", name)
	}
	done()

	done = step(t, "destroy leaves the pods")
	s.destroy("orphan deletion")
	_, err = kubectl("get", "statefulset", "-n", ns, p.Name)
	require.Error(t, err, "the StatefulSet is gone")
	left := pods(t, ns, p.Name)
	require.Len(t, left, 3, "the pods keep running")
	for name, pod := range left {
		assert.Equal(t, before[name].UID, pod.UID, "%s is the same pod", name)
		assert.Empty(t, pod.OwnerReferences, "%s is orphaned", name)
	}
	assertSameClaims(t, claims, bindings(t, ns, p.Name, "data", ordinalsUpTo(3)))
	mustKubectl(t, "delete", "pod", "-n", ns, "-l", podSelector(p.Name), "--wait=false")
	done()
}

// TestDeletionOptIn: with claimRetention.whenDeleted Delete, background
// deletion and pool protection "none", `pulumi destroy` deletes the
// claims and the volumes. With the default orphan deletion the same
// retention is refused before anything is registered.
func TestDeletionOptIn(t *testing.T) {
	ns := namespace(t, "e2e-del-optin", nil)
	p := defaultParams(ns, "optin", "e2e-optin-pool")
	deletePoolVolumes(t, p.Pool)

	done := step(t, "whenDeleted Delete with orphan deletion is refused")
	bad := newInlineStack(t, "optin-orphan", deletionProgram(p, deletionOpts{
		WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
		Protection:  components.ProtectNone,
	}))
	_, err := bad.tryUp("whenDeleted Delete, orphan")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set Deletion: DeletionBackground to let claims be deleted with the StatefulSet")
	_, err = kubectl("get", "statefulset", "-n", ns, p.Name)
	assert.Error(t, err, "no StatefulSet was created")
	// The pool was registered before the cluster was refused.
	bad.destroy("refused")
	done()

	done = step(t, "up with the opt-in")
	s := newInlineStack(t, "optin", deletionProgram(p, deletionOpts{
		WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
		Deletion:    components.DeletionBackground,
		Protection:  components.ProtectNone,
	}))
	s.up("opt-in deletion")
	before := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, waitPodsReady(t, ns, p.Name, 3))
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, p.Name)
	require.NotNil(t, sts.Spec.PersistentVolumeClaimRetentionPolicy)
	assert.Equal(t, appsv1.DeletePersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
	done()

	done = step(t, "destroy deletes claims and volumes")
	s.destroy("opt-in deletion")
	eventually(t, waitTimeout, "claims, pods and volumes gone", func() (bool, string) {
		var claims corev1.PersistentVolumeClaimList
		var ps corev1.PodList
		if err := tryGetJSON(&claims, "pvc", "-n", ns); err != nil {
			return false, err.Error()
		}
		if err := tryGetJSON(&ps, "pods", "-n", ns, "-l", podSelector(p.Name)); err != nil {
			return false, err.Error()
		}
		var pvs corev1.PersistentVolumeList
		if err := tryGetJSON(&pvs, "pv", "-l", "app.kubernetes.io/instance="+p.Pool); err != nil {
			return false, err.Error()
		}
		var left []string
		for _, c := range claims.Items {
			left = append(left, "pvc/"+c.Name)
		}
		for _, x := range ps.Items {
			left = append(left, "pod/"+x.Name)
		}
		for _, v := range pvs.Items {
			left = append(left, "pv/"+v.Name)
		}
		return len(left) == 0, strings.Join(left, " ")
	})
	for i, b := range before {
		_, err := kubectl("get", "pv", b.PV.Name)
		assert.Error(t, err, "PV %s of ordinal %d still exists", b.PV.Name, i)
	}
	done()
}
