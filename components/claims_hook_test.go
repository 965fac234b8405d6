package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// stsInputs are StatefulSet inputs whose claims annotation is record.
func stsInputs(record string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{"ordinal.dev/claims": record}},
	})
}

// claimInputs are the inputs of the claim named name (claim_patches.go)
// with size on the storage class class.
func claimInputs(name, size, class string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"apiVersion": "v1", "kind": "PersistentVolumeClaim",
		"metadata": map[string]any{"name": name, "annotations": ClaimAnnotations()},
		"spec": map[string]any{
			"accessModes": []any{"ReadWriteOnce"}, "volumeMode": "Filesystem", "storageClassName": class,
			"resources": map[string]any{"requests": map[string]any{"storage": size}},
		},
	})
}

// hookPlan is the plan the hook checks against: the claim "data" of
// StatefulSet "db" on the local-volume pool "local".
func hookPlan(t *testing.T) *cluster.Plan {
	pool, err := localpv.New("local", poolSpec())
	require.NoError(t, err)
	plan, err := cluster.New("db", dbSpec(), cluster.Options{Pool: pool, DeployTimeImages: []string{"db"}, SecretKeys: []string{"password"}})
	require.NoError(t, err)
	return plan
}

func TestRefuseClaimChanges(t *testing.T) {
	const data1Gi = `[{"name":"data","size":"1Gi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`
	tests := []struct {
		name     string
		old, new resource.PropertyMap
		want     []string // fragments of the error; none: no error
	}{
		{"unchanged", stsInputs(data1Gi), stsInputs(data1Gi), nil},
		{"same size, other spelling", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"1024Mi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`), nil},
		{"larger on the pool", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"2Gi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			[]string{`DatabaseCluster "db"`, "spec.claims[data].size", `local-volume pool's storage class "local"`, "cannot grow", "set it back to 1Gi"}},
		{"larger on another class", stsInputs(`[{"name":"data","size":"1Gi","storageClass":"fast","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			stsInputs(`[{"name":"data","size":"2Gi","storageClass":"fast","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`), nil},
		{"smaller", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"512Mi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			[]string{"spec.claims[data].size", "have 1Gi, and Kubernetes never shrinks a claim", "set it back to 1Gi (or larger)"}},
		{"another pool", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"1Gi","storageClass":"fast","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			[]string{"spec.claims[data]:", `on the storage class "local" and stay there`}},
		{"the cluster's default class to a pool", stsInputs(`[{"name":"data","size":"1Gi","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			stsInputs(data1Gi), []string{"the cluster's default"}},
		{"a deploy-time class is not compared", stsInputs(`[{"name":"data","size":"1Gi","storageClass":"*","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			stsInputs(data1Gi), nil},
		{"access modes", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"1Gi","storageClass":"local","accessModes":["ReadWriteOncePod"],"volumeMode":"Filesystem"}]`),
			[]string{"spec.claims[data].accessModes", "made with ReadWriteOnce"}},
		{"volume mode", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"1Gi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Block"}]`),
			[]string{"spec.claims[data].volumeMode", "made with Filesystem"}},
		{"a new claim is no change", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"1Gi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"},{"name":"logs","size":"5Gi"}]`), nil},
		{"a StatefulSet from before the record", resource.PropertyMap{}, stsInputs(data1Gi), nil},

		{"a claim unchanged", claimInputs("data-db-0", "1Gi", "fast"), claimInputs("data-db-0", "1Gi", "fast"), nil},
		{"a claim grows", claimInputs("data-db-0", "1Gi", "fast"), claimInputs("data-db-0", "2Gi", "fast"), nil},
		{"a claim shrinks", claimInputs("data-db-1", "2Gi", "fast"), claimInputs("data-db-1", "1Gi", "fast"),
			[]string{`DatabaseCluster "db"`, "spec.claims[data].size", "have 2Gi, and Kubernetes never shrinks"}},
		{"a claim on the pool grows", claimInputs("data-db-2", "1Gi", "local"), claimInputs("data-db-2", "2Gi", "local"),
			[]string{"spec.claims[data].size", "cannot grow"}},
		{"a claim moves to another class", claimInputs("data-db-0", "1Gi", "fast"), claimInputs("data-db-0", "1Gi", "slow"),
			[]string{"spec.claims[data]:", `on the storage class "fast" and stay there`}},
		{"a claim of no template is not checked", claimInputs("logs-db-0", "2Gi", "fast"), claimInputs("logs-db-0", "1Gi", "fast"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := refuseClaimChanges("db", hookPlan(t), tt.old, tt.new)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}
