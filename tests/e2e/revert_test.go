//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// TestRevertedMove is the sequence of issue 17, item 1: a cluster in
// namespace A is moved to B, the `up` fails half-way (B's quota refuses
// StatefulSets, after the Services, ConfigMap, Secret and PDB moved), and
// the namespace is set back to A. The revert's `up` must leave every
// object of the cluster in A, the pods Ready on their claims: before
// NamedObjectOptions it reported success and deleted, at its end, the
// objects it had just applied again (they were pending deletion from the
// failed `up`).
func TestRevertedMove(t *testing.T) {
	nsA := namespace(t, "e2e-move-a", nil)
	nsB := namespace(t, "e2e-move-b", nil)
	_, err := henv().KubectlIn([]byte(`apiVersion: v1
kind: ResourceQuota
metadata: {name: no-statefulsets}
spec: {hard: {count/statefulsets.apps: "0"}}
`), "apply", "-n", nsB, "-f", "-")
	require.NoError(t, err)
	eventually(t, waitTimeout, "the quota of "+nsB+" is counted", func() (bool, string) {
		out, err := kubectl("get", "resourcequota", "-n", nsB, "no-statefulsets", "-o", "jsonpath={.status.hard}")
		return err == nil && strings.Contains(string(out), "statefulsets"), string(out)
	})

	p := defaultParams(nsA, "move", "e2e-move-pool")
	p.SecretData = map[string]string{"password": "move-password"}
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "move", clusterProgram(p))

	done := step(t, "deploy in A")
	s.up("in " + nsA)
	waitPodsReady(t, nsA, p.Name, int(p.Replicas))
	claims := bindings(t, nsA, p.Name, "data", []int{0, 1, 2})
	objects := clusterObjects(t, p)
	assert.Empty(t, missingObjects(nsA, objects), "every object in %s after the first up", nsA)
	done()

	done = step(t, "move to B: refused half-way by B's quota")
	p.Namespace = nsB
	_, err = s.tryUp("move to " + nsB)
	require.Error(t, err, "B's quota refuses the StatefulSet")
	require.ErrorContains(t, err, "exceeded quota")
	done()

	done = step(t, "back to A")
	p.Namespace = nsA
	res := s.up("back to " + nsA)
	t.Logf("revert: %v", res.Summary.ResourceChanges)
	assert.Empty(t, missingObjects(nsA, objects), "every object is in %s after the revert", nsA)
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", nsA, p.Name)
	for _, ref := range referencedConfig(sts) {
		_, err := kubectl("get", ref, "-n", nsA)
		assert.NoError(t, err, "the pod template mounts %s: it exists", ref)
	}
	waitPodsReady(t, nsA, p.Name, int(p.Replicas))
	after := bindings(t, nsA, p.Name, "data", []int{0, 1, 2})
	for i, b := range claims {
		assert.Equal(t, b.UIDs(), after[i].UIDs(), "pod %d keeps its claim and volume", i)
	}
	left, err := kubectl("get", "statefulset,service,configmap,secret,pdb,job", "-n", nsB, "-l", "app.kubernetes.io/instance="+p.Name, "-o", "name")
	require.NoError(t, err)
	assert.Empty(t, strings.TrimSpace(string(left)), "nothing of the cluster is left in %s", nsB)
	done()

	done = step(t, "the next up finds nothing to do, and the objects stay")
	again := s.up("again")
	assert.True(t, onlySame(again.Summary.ResourceChanges), "nothing left to create or delete: %v", again.Summary.ResourceChanges)
	assert.Empty(t, missingObjects(nsA, objects), "every object is still in %s", nsA)
	done()
	s.destroy("move")
}

// clusterObjects are "<kind>/<name>" of the objects p's plan names (the
// Secret is autonamed: referencedConfig checks it).
func clusterObjects(t *testing.T, p *clusterParams) []string {
	t.Helper()
	plan, err := cluster.New(p.Name, clusterSpec(p), cluster.Options{DeployTimeImages: []string{"db"}})
	require.NoError(t, err)
	return []string{
		"statefulset/" + plan.StatefulSet.Name,
		"service/" + plan.Network.Service.Name,
		"service/" + plan.Network.ClientService.Name,
		"configmap/" + plan.ConfigMap.Name,
		"pdb/" + plan.PDB.Name,
		"job/" + plan.InitJob.Name,
	}
}

// missingObjects are the objects not found in ns.
func missingObjects(ns string, objects []string) []string {
	var out []string
	for _, o := range objects {
		if _, err := kubectl("get", o, "-n", ns); err != nil {
			out = append(out, o)
		}
	}
	return out
}

// referencedConfig are "configmap/<name>" and "secret/<name>" of the
// sources of the pod template's projected volumes.
func referencedConfig(sts appsv1.StatefulSet) []string {
	var out []string
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ConfigMap != nil {
				out = append(out, "configmap/"+src.ConfigMap.Name)
			}
			if src.Secret != nil {
				out = append(out, "secret/"+src.Secret.Name)
			}
		}
	}
	return out
}
