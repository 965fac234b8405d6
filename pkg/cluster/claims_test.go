package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// One function decides a claim's storage class, for the claim templates
// and for the capacity check against a LocalVolumePool: the two never
// disagree.
func TestClaimClass(t *testing.T) {
	disks := pool(t, localpv.Spec{StorageClassName: "local-ssd", Nodes: []string{"node-0"}, Path: "/mnt/disks/ssd0", Capacity: "1Gi"})
	own := cluster.Claim{StorageClassName: "own"}
	tests := []struct {
		name  string
		claim cluster.Claim
		opts  cluster.Options
		want  string
	}{
		{"nothing: the cluster's default class", cluster.Claim{}, cluster.Options{}, ""},
		{"the claim's own class", own, cluster.Options{StorageClassName: "other", Pool: disks}, "own"},
		{"the component's class", cluster.Claim{}, cluster.Options{StorageClassName: "fast"}, "fast"},
		{"the component's class over the pool's", cluster.Claim{}, cluster.Options{StorageClassName: "fast", Pool: disks}, "fast"},
		{"the pool's class", cluster.Claim{}, cluster.Options{Pool: disks}, "local-ssd"},
		{"a deploy-time class", cluster.Claim{}, cluster.Options{DeployTimeStorageClass: true}, ""},
		{"a deploy-time class over the pool's", cluster.Claim{}, cluster.Options{Pool: disks, DeployTimeStorageClass: true}, ""},
		{"the claim's own class over a deploy-time one", own, cluster.Options{Pool: disks, DeployTimeStorageClass: true}, "own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cluster.ClaimClass(tt.claim, tt.opts))
		})
	}
}

// With a pool and a class supplied at deploy time, the claims take the
// deploy-time class (Resolve writes it in), so the pool's capacity is no
// reason to refuse them. Validation used to decide the class on its own,
// put the claims on the pool and report a capacity problem for volumes
// they would never bind to.
func TestDeployTimeClassOverPoolIsNotCheckedAgainstThePool(t *testing.T) {
	small := pool(t, localpv.Spec{Nodes: []string{"node-0"}, Path: "/mnt/disks/ssd0", Capacity: "1Gi"})
	spec := dbSpec() // 3 replicas of a 10Gi claim: the pool fits none of them

	_, err := cluster.New("db", spec, cluster.Options{Pool: small})
	validationtest.Assert(t, err, cluster.Kind, []fieldProblem{{"spec.claims[0].size", `the LocalVolumePool "local" has 0 volume(s) of at least this size`}})

	p, err := cluster.New("db", spec, cluster.Options{Pool: small, DeployTimeStorageClass: true})
	require.NoError(t, err)
	tmpl := p.StatefulSet.Spec.VolumeClaimTemplates[0]
	assert.Nil(t, tmpl.Spec.StorageClassName, "the class comes at deploy time")
	assert.Equal(t, cluster.Reads{StorageClass: true}, p.StatefulSetReads())
	resolved := p.ResolveStatefulSet(cluster.Deployed{StorageClassName: "fast"})
	assert.Equal(t, "fast", *resolved.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)
}

// Unchecked plans what the checks refuse, without panicking: a size that
// does not parse is zero.
func TestUncheckedPlansWhatTheChecksRefuse(t *testing.T) {
	spec := cluster.Spec{Claims: []cluster.Claim{{Name: "data", Size: "lots"}}, Config: &cluster.Config{}, Init: &cluster.InitJob{}}
	_, err := cluster.New("db", spec, cluster.Options{})
	require.Error(t, err)
	p := cluster.Unchecked("db", spec, cluster.Options{})
	size := p.StatefulSet.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"]
	assert.True(t, size.IsZero())
	assert.NotNil(t, p.InitJob)
}

// spec.Labels and spec.Annotations reach every object the cluster creates
// except the claims, whose templates carry exactly the selector labels and
// the claim's own labels and annotations: a change of a claim template
// replaces the StatefulSet, which a label edit must never do (issue 16;
// the docs of Spec.Labels and Claim.Labels say so).
func TestSpecLabelsReachEveryObjectButTheClaims(t *testing.T) {
	spec := dbSpec()
	spec.Labels = map[string]string{"app": "bini"}
	spec.Annotations = map[string]string{"team": "data"}
	spec.Claims[0].Labels = map[string]string{"tier": "disk"}
	spec.Claims[0].Annotations = map[string]string{"backup": "daily"}
	spec.Config = &cluster.Config{Data: map[string]string{"a.conf": "x"}}
	spec.Init = &cluster.InitJob{Command: []string{"true"}}
	spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
	spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{endpointsReader}}
	p := mustPlan(t, spec, cluster.Options{SecretKeys: []string{"password"}})

	objects := map[string]metav1.ObjectMeta{
		"StatefulSet":    p.StatefulSet.ObjectMeta,
		"pod template":   p.StatefulSet.Spec.Template.ObjectMeta,
		"Service":        p.Network.Service.ObjectMeta,
		"PDB":            p.PDB.ObjectMeta,
		"ConfigMap":      p.ConfigMap.ObjectMeta,
		"Secret":         p.Secret.ObjectMeta,
		"init Job":       p.InitJob.ObjectMeta,
		"init Job pod":   p.InitJob.Spec.Template.ObjectMeta,
		"NetworkPolicy":  p.NetworkPolicy.ObjectMeta,
		"ServiceAccount": p.RBAC.ServiceAccount.ObjectMeta,
		"Role":           p.RBAC.Role.ObjectMeta,
		"RoleBinding":    p.RBAC.RoleBinding.ObjectMeta,
	}
	for name, meta := range objects {
		if name == "init Job pod" { // a change must not re-run the Job (InitJob's doc)
			assert.NotContains(t, meta.Labels, "app", "the init Job's pod does not carry spec.labels")
			assert.NotContains(t, meta.Annotations, "team", "the init Job's pod does not carry spec.annotations")
			continue
		}
		assert.Equal(t, "bini", meta.Labels["app"], "%s carries spec.labels", name)
		assert.Equal(t, "data", meta.Annotations["team"], "%s carries spec.annotations", name)
	}

	claim := p.StatefulSet.Spec.VolumeClaimTemplates[0].ObjectMeta
	want := map[string]string{labels.Instance: "db", labels.Component: "database", "tier": "disk"}
	assert.Equal(t, p.Identity.Selector(), map[string]string{labels.Instance: "db", labels.Component: "database"})
	assert.Equal(t, want, claim.Labels, "selector labels and Claim.Labels, nothing else")
	assert.Equal(t, map[string]string{"backup": "daily"}, claim.Annotations, "Claim.Annotations, not spec.annotations")
}
