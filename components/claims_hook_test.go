package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stsInputs are StatefulSet inputs whose claims annotation is record.
func stsInputs(record string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{"ordinal.dev/claims": record}},
	})
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
		{"larger", stsInputs(data1Gi),
			stsInputs(`[{"name":"data","size":"2Gi","storageClass":"local","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`),
			[]string{`DatabaseCluster "db"`, "spec.claims[data].size", "made with 1Gi and keep it", "set it back to 1Gi"}},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := refuseClaimChanges("db", tt.old, tt.new)
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
