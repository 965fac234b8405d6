package phasedupgrade_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	phasedupgrade "github.com/ordinal-dev/ordinal/examples/phased-upgrade"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

const newImage = "cockroachdb/cockroach:v25.1.0"

func TestPartitionFollowsConfig(t *testing.T) {
	tests := []struct {
		name        string
		config      map[string]string
		wantImage   string
		wantPart    float64
		wantWaitFor string // the readiness condition `up` waits for
		wantUpdated []any
	}{
		{"initial deploy", nil, engines.DefaultCockroachImage, 0, "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>2]}", exampletest.Strings("phased-0", "phased-1", "phased-2")},
		{"step 1: new image on pod 2", map[string]string{"image": newImage, "partition": "2"}, newImage, 2, "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>0]}", exampletest.Strings("phased-2")},
		{"step 2: pods 1 and 2", map[string]string{"image": newImage, "partition": "1"}, newImage, 1, "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>1]}", exampletest.Strings("phased-1", "phased-2")},
		{"step 3: every pod", map[string]string{"image": newImage, "partition": "0"}, newImage, 0, "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>2]}", exampletest.Strings("phased-0", "phased-1", "phased-2")},
		{"hold everything", map[string]string{"image": newImage, "partition": "3"}, newImage, 3, "jsonpath={.status.readyReplicas}=3", exampletest.Strings()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stack *phasedupgrade.Stack
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				c, err := phasedupgrade.LoadConfig(ctx)
				if err != nil {
					return err
				}
				stack, err = phasedupgrade.Deploy(ctx, c)
				return err
			}, ordinaltest.WithConfig(tc.config))
			out := exampletest.Outputs(t, stack.Outputs)

			sts := rec.Find(t, exampletest.StatefulSet, "phased-statefulset")
			assert.Equal(t, "RollingUpdate", sts.Get(t, "spec.updateStrategy.type"))
			assert.Equal(t, tc.wantPart, sts.Get(t, "spec.updateStrategy.rollingUpdate.partition"))
			assert.Equal(t, tc.wantImage, sts.Get(t, "spec.template.spec.containers[0].image"))
			assert.Equal(t, engines.ImageVersion(tc.wantImage), sts.Get(t, `spec.template.metadata.labels["app.kubernetes.io/version"]`))
			// `up` waits for Ready pods and for the pods at or above the
			// partition on the new revision (all of them without one), never
			// for pods the partition holds back.
			assert.Equal(t, tc.wantWaitFor, sts.Get(t, `metadata.annotations["pulumi.com/waitFor"]`))

			assert.Equal(t, tc.wantUpdated, out["updatedPods"])
			assert.Equal(t, tc.wantPart, float64(out["partition"].(int)))
			assert.Equal(t, tc.wantImage, out["image"])
		})
	}
}

func TestInvalidPartition(t *testing.T) {
	tests := []struct {
		name, partition, wantErr string
	}{
		{"above replicas", "4", "spec.updateStrategy.partition"},
		{"negative", "-1", "spec.updateStrategy.partition"},
		{"not a number", "two", `config "partition"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := ordinaltest.RunErr(phasedupgrade.Program, ordinaltest.WithConfig(map[string]string{"partition": tc.partition}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Empty(t, rec.ByType(exampletest.StatefulSet))
		})
	}
}

func TestUpdatedPods(t *testing.T) {
	assert.Equal(t, []string{"db-3", "db-4"}, phasedupgrade.UpdatedPods("db", 5, 3))
	assert.Equal(t, []string{}, phasedupgrade.UpdatedPods("db", 5, 5))
	assert.Equal(t, []string{"db-0"}, phasedupgrade.UpdatedPods("db", 1, 0))
}
