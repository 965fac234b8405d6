package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// TestDefaultBudgetAllowsAnEviction holds the default budget to what it is
// for: a drain may always evict one pod, and from 3 replicas on never one
// that would break a quorum.
func TestDefaultBudgetAllowsAnEviction(t *testing.T) {
	for n := int32(1); n <= 7; n++ {
		s := dbSpec()
		s.Replicas = n
		pdb := mustPlan(t, s, cluster.Options{}).PDB
		require.NotNil(t, pdb)
		allowed := int32(0)
		if m := pdb.Spec.MinAvailable; m != nil {
			allowed = n - m.IntVal
		} else {
			allowed = pdb.Spec.MaxUnavailable.IntVal
		}
		assert.Equal(t, int32(1), min(allowed, 1), "%d replicas: a drain must be able to evict a pod", n)
		if n >= 3 {
			assert.GreaterOrEqual(t, n-allowed, cluster.Quorum(n), "%d replicas: an eviction must keep a quorum", n)
		}
	}
}
