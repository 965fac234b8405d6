package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
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
