//go:build e2e

package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// podSelector selects the database pods of a cluster (the StatefulSet's
// selector).
func podSelector(name string) string {
	return "app.kubernetes.io/instance=" + name + ",app.kubernetes.io/component=database"
}

// pods lists a cluster's pods by ordinal name.
func pods(t *testing.T, ns, name string) map[string]corev1.Pod {
	t.Helper()
	var list corev1.PodList
	getJSON(t, &list, "pods", "-n", ns, "-l", podSelector(name))
	out := map[string]corev1.Pod{}
	for _, p := range list.Items {
		out[p.Name] = p
	}
	return out
}

func podName(sts string, i int) string { return fmt.Sprintf("%s-%d", sts, i) }

func claimName(claim, sts string, i int) string { return fmt.Sprintf("%s-%s-%d", claim, sts, i) }

func podReady(p corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// describePods is a one-line summary for failure messages.
func describePods(ps map[string]corev1.Pod) string {
	names := make([]string, 0, len(ps))
	for n := range ps {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		p := ps[n]
		img := ""
		if len(p.Spec.Containers) > 0 {
			img = p.Spec.Containers[0].Image
		}
		parts = append(parts, fmt.Sprintf("%s[%s ready=%v node=%s img=%s rev=%s]", n, p.Status.Phase, podReady(p), p.Spec.NodeName, img, p.Labels[appsv1.ControllerRevisionHashLabelKey]))
	}
	return strings.Join(parts, " ")
}

// waitPodsReady waits until exactly ordinals 0..replicas-1 exist and are
// Running and Ready, and returns them.
func waitPodsReady(t *testing.T, ns, sts string, replicas int) map[string]corev1.Pod {
	t.Helper()
	var ps map[string]corev1.Pod
	eventually(t, waitTimeout, fmt.Sprintf("%d pods of %s/%s Running and Ready", replicas, ns, sts), func() (bool, string) {
		ps = pods(t, ns, sts)
		if len(ps) != replicas {
			return false, describePods(ps)
		}
		for i := 0; i < replicas; i++ {
			p, ok := ps[podName(sts, i)]
			if !ok || !podReady(p) {
				return false, describePods(ps)
			}
		}
		return true, ""
	})
	return ps
}

// claimBinding is a PVC and the PV it is bound to.
type claimBinding struct {
	PVC corev1.PersistentVolumeClaim
	PV  corev1.PersistentVolume
}

// UIDs identifies the pair, for comparisons across updates.
func (b claimBinding) UIDs() [2]types.UID { return [2]types.UID{b.PVC.UID, b.PV.UID} }

// bindings reads the claims <claim>-<sts>-<i> of the given ordinals and the
// PVs they are bound to; it fails the test if a claim is missing or unbound.
func bindings(t *testing.T, ns, sts, claim string, ordinals []int) map[int]claimBinding {
	t.Helper()
	out := map[int]claimBinding{}
	for _, i := range ordinals {
		var b claimBinding
		getJSON(t, &b.PVC, "pvc", "-n", ns, claimName(claim, sts, i))
		require.Equal(t, corev1.ClaimBound, b.PVC.Status.Phase, "claim %s is not Bound", b.PVC.Name)
		require.NotEmpty(t, b.PVC.Spec.VolumeName, "claim %s names no volume", b.PVC.Name)
		getJSON(t, &b.PV, "pv", b.PVC.Spec.VolumeName)
		out[i] = b
	}
	return out
}

// pvNodes are the node names a local PV's required nodeAffinity allows.
func pvNodes(pv corev1.PersistentVolume) []string {
	var out []string
	if pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil {
		return nil
	}
	for _, term := range pv.Spec.NodeAffinity.Required.NodeSelectorTerms {
		for _, e := range term.MatchExpressions {
			if e.Key == "kubernetes.io/hostname" && e.Operator == corev1.NodeSelectorOpIn {
				out = append(out, e.Values...)
			}
		}
	}
	return out
}

// assertClusterPlaced checks the placement of a healthy cluster: pods on
// distinct nodes, every claim Bound to a local PV of the pool, pinned to
// the node the pod runs on. It returns the bindings by ordinal.
func assertClusterPlaced(t *testing.T, ns, sts, claim, storageClass string, ps map[string]corev1.Pod) map[int]claimBinding {
	t.Helper()
	nodes := map[string]string{}
	ordinals := make([]int, 0, len(ps))
	for i := 0; i < len(ps); i++ {
		p := ps[podName(sts, i)]
		require.NotEmpty(t, p.Spec.NodeName, "pod %s is not scheduled", p.Name)
		if prev, dup := nodes[p.Spec.NodeName]; dup {
			assert.Failf(t, "pods share a node", "%s and %s both run on %s", prev, p.Name, p.Spec.NodeName)
		}
		nodes[p.Spec.NodeName] = p.Name
		ordinals = append(ordinals, i)
	}
	bs := bindings(t, ns, sts, claim, ordinals)
	for i, b := range bs {
		pod := ps[podName(sts, i)]
		assert.NotNil(t, b.PV.Spec.Local, "PV %s is not a local volume", b.PV.Name)
		assert.Equal(t, storageClass, b.PV.Spec.StorageClassName, "PV %s class", b.PV.Name)
		if b.PVC.Spec.StorageClassName != nil {
			assert.Equal(t, storageClass, *b.PVC.Spec.StorageClassName, "claim %s class", b.PVC.Name)
		}
		assert.Equal(t, corev1.VolumeBound, b.PV.Status.Phase, "PV %s phase", b.PV.Name)
		assert.Equal(t, []string{pod.Spec.NodeName}, pvNodes(b.PV), "PV %s (claim %s) must be pinned to the node of pod %s", b.PV.Name, b.PVC.Name, pod.Name)
		require.NotNil(t, b.PV.Spec.ClaimRef, "PV %s has no claimRef", b.PV.Name)
		assert.Equal(t, b.PVC.UID, b.PV.Spec.ClaimRef.UID, "PV %s is bound to another claim", b.PV.Name)
	}
	return bs
}

// initJobs lists a cluster's init Jobs.
func initJobs(t *testing.T, ns, name string) []batchv1.Job {
	t.Helper()
	var list batchv1.JobList
	getJSON(t, &list, "jobs", "-n", ns, "-l", "app.kubernetes.io/instance="+name+",app.kubernetes.io/component=init")
	return list.Items
}

// assertInitOnce checks that the cluster has exactly one init Job, that it
// is Complete after one successful pod, and returns it.
func assertInitOnce(t *testing.T, ns, name string) batchv1.Job {
	t.Helper()
	jobs := initJobs(t, ns, name)
	require.Len(t, jobs, 1, "init Jobs of %s/%s", ns, name)
	job := jobs[0]
	assert.Equal(t, int32(1), job.Status.Succeeded, "init Job %s succeeded count", job.Name)
	assert.Zero(t, job.Status.Failed, "init Job %s failed count", job.Name)
	complete := false
	for _, c := range job.Status.Conditions {
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			complete = true
		}
	}
	assert.True(t, complete, "init Job %s is not Complete: %+v", job.Name, job.Status.Conditions)
	return job
}

// stringList converts a stack output that holds a list of strings.
func stringList(t *testing.T, v any) []string {
	t.Helper()
	raw, ok := v.([]any)
	require.True(t, ok, "output %v is not a list", v)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		s, ok := x.(string)
		require.True(t, ok, "output element %v is not a string", x)
		out = append(out, s)
	}
	return out
}

// expectedFQDNs are "<sts>-<i>.<svc>.<ns>.svc.cluster.local".
func expectedFQDNs(sts, svc, ns string, replicas int) []string {
	out := make([]string, replicas)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d.%s.%s.svc.cluster.local", sts, i, svc, ns)
	}
	return out
}

// podImages maps pod name to the first container's image.
func podImages(ps map[string]corev1.Pod) map[string]string {
	out := map[string]string{}
	for n, p := range ps {
		out[n] = p.Spec.Containers[0].Image
	}
	return out
}

// failedCreateEvents are the FailedCreate events in a namespace.
func failedCreateEvents(t *testing.T, ns string) []string {
	t.Helper()
	var list corev1.EventList
	getJSON(t, &list, "events", "-n", ns)
	return failedCreate(list)
}

// failedCreate describes the FailedCreate events of a list (a controller
// could not create a pod, e.g. because admission rejected it).
func failedCreate(list corev1.EventList) []string {
	var out []string
	for _, e := range list.Items {
		if e.Reason == "FailedCreate" {
			out = append(out, e.InvolvedObject.Kind+"/"+e.InvolvedObject.Name+": "+e.Message)
		}
	}
	return out
}
