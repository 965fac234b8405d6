package components

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// runEtcd registers an etcd cluster of replicas members whose tools image
// is supplied at deploy time.
func runEtcd(t *testing.T, replicas int32) *ordinaltest.Recorder {
	t.Helper()
	return ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewDatabaseCluster(ctx, "kv", &DatabaseClusterArgs{
			Spec:   engines.Etcd("kv", engines.EtcdOptions{Replicas: replicas}),
			Images: map[string]pulumi.StringInput{engines.EtcdToolsContainer: pulumi.String("registry.example/busybox:1").ToStringOutput()},
		})
		return err
	})
}

// TestMembershipJob: the membership Job is named by the replica count,
// runs before the StatefulSet (which depends on it), re-runs on a new
// image, and carries what it needs to know of the change.
func TestMembershipJob(t *testing.T) {
	for _, replicas := range []int32{1, 3, 5} {
		t.Run(fmt.Sprint(replicas), func(t *testing.T) {
			rec := runEtcd(t, replicas)
			job := rec.Find(t, kubetypes.Job, "kv-members")
			assert.Equal(t, fmt.Sprintf("kv-members-%d", replicas), job.Get(t, "metadata.name"), "a change of replicas is a new Job")
			assert.Equal(t, map[string]any{
				"pulumi.com/replaceUnready": "true",
				"pulumi.com/timeoutSeconds": "600",
				"pulumi.com/patchForce":     "true",
			}, job.Get(t, "metadata.annotations"), "a failed Job runs again on the next up; a killed up's Job is taken over")
			assert.Empty(t, job.Options.IgnoreChanges, "a new image re-runs it: it never keeps an image the registry may drop")
			assert.Equal(t, "membership", job.Get(t, `spec.template.metadata.labels["app.kubernetes.io/component"]`))
			assert.Equal(t, "Never", job.Get(t, "spec.template.spec.restartPolicy"))
			assert.Equal(t, 0.0, job.Get(t, "spec.backoffLimit"), "one attempt: a failure fails up at once")
			assert.Equal(t, "FallbackToLogsOnError", job.Get(t, "spec.template.spec.containers[0].terminationMessagePolicy"))

			c := "spec.template.spec.containers[0]"
			assert.Equal(t, engines.DefaultEtcdImage, job.Get(t, c+".image"), "etcdctl of the etcd image")
			env := map[string]any{}
			for _, e := range job.Get(t, c+".env").([]any) {
				m := e.(map[string]any)
				env[m["name"].(string)] = m["value"]
			}
			assert.Equal(t, fmt.Sprint(replicas), env["ORDINAL_REPLICAS"])
			assert.Equal(t, "0", env["ORDINAL_START"])
			assert.Equal(t, "kv", env["ORDINAL_STATEFULSET"])
			assert.Equal(t, "kv", env["ORDINAL_SERVICE"])
			assert.Equal(t, "kv.$(POD_NAMESPACE).svc.cluster.local", env["ORDINAL_SERVICE_FQDN"])
			assert.Equal(t, "registry.example/busybox:1", job.Get(t, "spec.template.spec.initContainers[0].image"), "deploy-time tools image")

			sts := rec.Find(t, kubetypes.StatefulSet, "kv-statefulset")
			assert.Contains(t, sts.Options.Dependencies, job.URN, "the StatefulSet changes only after the Job completed")
			assert.NotContains(t, job.Options.Dependencies, sts.URN)
			assert.Contains(t, job.Options.Dependencies, rec.Find(t, kubetypes.Service, "kv-network-headless").URN,
				"the Job resolves the governing Service")
			assert.Equal(t, "registry.example/busybox:1", sts.Get(t, "spec.template.spec.initContainers[0].image"))
		})
	}
}

// TestNoMembershipJob: a profile without one registers none.
func TestNoMembershipJob(t *testing.T) {
	rec, _ := runFullCluster(t, nil)
	_, ok := rec.Lookup(kubetypes.Job, "db-members")
	assert.False(t, ok, "no membership Job without spec.membership")
	require.Len(t, rec.ByType(kubetypes.Job), 1, "the init Job alone")
}
