package components

import (
	"strings"
	"testing"
	"time"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// awaitAny resolves an output outside a Pulumi program.
func awaitAny(t *testing.T, o pulumi.AnyOutput) any {
	t.Helper()
	ch := make(chan any, 1)
	o.ApplyT(func(v any) any { ch <- v; return v })
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("output did not resolve")
	}
	return nil
}

// TestResolveSpecFillsWhatBuildMakes checks that the spec resolveSpec
// completes once the pending deploy-time values arrive is the spec built
// from those values, whichever values are pending, empty ones included.
func TestResolveSpecFillsWhatBuildMakes(t *testing.T) {
	spec := dbSpec()
	spec.Containers[0].Image = "fallback:1"
	spec.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox:1", Env: []corev1.EnvVar{cluster.SecretEnv("P", "password")}}}
	plan, err := cluster.New("db", spec, cluster.Options{DeployTimeImages: []string{"db", "setup"}, DeployTimeStorageClass: true, SecretKeys: []string{"password"}})
	require.NoError(t, err)
	build := func(d cluster.Deployed) (any, error) {
		return bridge.Tree[appsv1.StatefulSetSpec](plan.ResolveStatefulSet(d).Spec)
	}
	pending := func(s string) pulumi.StringInput { return pulumi.String(s).ToStringOutput() }
	tests := []struct {
		name                     string
		db, setup, class, secret pulumi.StringInput
		want                     cluster.Deployed
	}{
		{"everything pending", pending("reg/db:2"), pending("reg/setup:3"), pending("fast"), pending("db-secret-x1"),
			cluster.Deployed{Images: map[string]string{"db": "reg/db:2", "setup": "reg/setup:3"}, StorageClassName: "fast", SecretName: "db-secret-x1"}},
		{"only the Secret's name pending", pulumi.String("reg/db:2"), pulumi.String("reg/setup:3"), pulumi.String("fast"), pending("db-secret-x1"),
			cluster.Deployed{Images: map[string]string{"db": "reg/db:2", "setup": "reg/setup:3"}, StorageClassName: "fast", SecretName: "db-secret-x1"}},
		{"an empty image keeps the container's own", pending(""), pending("reg/setup:3"), pending("fast"), pending("db-secret-x1"),
			cluster.Deployed{Images: map[string]string{"db": "", "setup": "reg/setup:3"}, StorageClassName: "fast", SecretName: "db-secret-x1"}},
		{"an empty class and Secret name", pending("reg/db:2"), pulumi.String("reg/setup:3"), pending(""), pending(""),
			cluster.Deployed{Images: map[string]string{"db": "reg/db:2", "setup": "reg/setup:3"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dt := newDeployTime(map[string]pulumi.StringInput{"db": tt.db, "setup": tt.setup}, tt.class, tt.secret)
			out, err := resolveSpec(dt, plan.StatefulSetReads(), build)
			require.NoError(t, err)
			got := awaitAny(t, out)
			want, err := build(tt.want)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			b, err := yaml.Marshal(got)
			require.NoError(t, err)
			assert.NotContains(t, string(b), "ordinal-pending", "a placeholder left in the spec")
			assert.Equal(t, tt.want.Images["db"] == "", strings.Contains(string(b), "fallback:1"), "an empty image leaves the container's own")
		})
	}
}
