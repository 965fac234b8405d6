package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
)

// TestStateOutputsMatchOutputFields checks that the outputs a component
// records in its state are the values of its output fields, whether they
// are registered as plain values (namespace known while the program runs)
// or as the pending outputs themselves.
func TestStateOutputsMatchOutputFields(t *testing.T) {
	tests := []struct {
		name  string
		ns    pulumi.StringInput
		plain bool
	}{
		{"known namespace", pulumi.String("prod"), true},
		{"namespace from a resource", pulumi.String("prod").ToStringOutput(), false},
		{"provider's namespace", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var db *DatabaseCluster
			ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				spec := dbSpec()
				spec.Containers[0].Image = "db:1"
				var err error
				db, err = NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{Namespace: tt.ns, Spec: spec,
					SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)}})
				return err
			})
			fields := map[string]pulumi.Output{
				"namespace":       db.Namespace,
				"statefulSetName": db.StatefulSetName,
				"serviceName":     db.ServiceName,
				"pdbName":         db.PDBName,
				"initJobName":     db.InitJobName,
				"podFqdns":        db.PodFQDNs,
				"peerList":        db.PeerList,
				"clientEndpoints": db.ClientEndpoints,
				"configChecksum":  db.ConfigChecksum,
			}
			state := db.stateOutputs(tt.ns)
			require.Len(t, state, len(fields))
			for key, field := range fields {
				v, ok := state[key]
				require.Truef(t, ok, "state has no %q", key)
				_, pending := v.(pulumi.Output)
				if key != "configChecksum" && key != "statefulSetName" && key != "pdbName" && key != "initJobName" {
					assert.Equal(t, !tt.plain, pending, "%s registered as a pending output", key)
				}
				assert.Equal(t, await(t, field), await(t, pulumi.ToOutput(v)), key)
			}
			netFields := map[string]pulumi.Output{"serviceFqdn": db.Network.ServiceFQDN, "peerList": db.Network.PeerList}
			netState := db.Network.stateOutputs(tt.ns)
			assert.Len(t, netState, 6)
			for key, field := range netFields {
				assert.Equal(t, await(t, field), await(t, pulumi.ToOutput(netState[key])), key)
			}
		})
	}
}

func await(t *testing.T, o pulumi.Output) any {
	t.Helper()
	r, err := internals.UnsafeAwaitOutput(t.Context(), o)
	require.NoError(t, err)
	require.True(t, r.Known)
	return r.Value
}
