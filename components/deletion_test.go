package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8sapps "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// Claims deleted with the StatefulSet need background deletion: orphan
// propagation strips the StatefulSet's owner reference from its claims,
// so whenDeleted: Delete alone would silently keep them.
func TestClaimDeletionNeedsBackgroundDeletion(t *testing.T) {
	args := func(spec cluster.Spec, d StatefulSetDeletion) *DatabaseClusterArgs {
		return &DatabaseClusterArgs{
			Spec:       spec,
			Image:      pulumi.String(dbImage),
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
			Deletion:   d,
		}
	}
	for _, tc := range []struct {
		name     string
		deletion StatefulSetDeletion
		wantErr  bool
	}{
		{"default orphan", "", true},
		{"explicit orphan", DeletionOrphan, true},
		{"background", DeletionBackground, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := dbSpec()
			spec.ClaimRetention.WhenDeleted = k8sapps.DeletePersistentVolumeClaimRetentionPolicyType
			_, _, err := PlanDatabaseCluster("db", args(spec, tc.deletion))
			if !tc.wantErr {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "deletion")
			assert.Contains(t, err.Error(), "set Deletion: DeletionBackground to let claims be deleted with the StatefulSet")
		})
	}
	// Retained claims (the default) accept either deletion.
	for _, d := range []StatefulSetDeletion{"", DeletionOrphan, DeletionBackground} {
		_, _, err := PlanDatabaseCluster("db", args(dbSpec(), d))
		assert.NoError(t, err, "deletion %q with retained claims", d)
	}
}
