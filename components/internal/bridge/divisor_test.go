package bridge

import (
	"testing"

	corev1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	k8sresource "k8s.io/apimachinery/pkg/api/resource"
)

// dropZeroDivisors deletes "divisor": "0" from every resourceFieldRef
// object in v, a JSON value.
func dropZeroDivisors(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if ref, ok := e.(map[string]any); ok && k == "resourceFieldRef" && ref["divisor"] == "0" {
				delete(ref, "divisor")
			}
			dropZeroDivisors(e)
		}
	case []any:
		for _, e := range x {
			dropZeroDivisors(e)
		}
	}
}

// An unset downward-API divisor, in an env var or a projected file, is
// left out (the API server reads it as 1) instead of sent as "0"; a set
// one is sent.
func TestTreeDivisor(t *testing.T) {
	tests := []struct {
		name    string
		divisor k8sresource.Quantity
		want    map[string]any
	}{
		{"unset", k8sresource.Quantity{}, map[string]any{"containerName": "db", "resource": "limits.memory"}},
		{"parsed zero", k8sresource.MustParse("0"), map[string]any{"containerName": "db", "resource": "limits.memory"}},
		{"set", k8sresource.MustParse("1Mi"), map[string]any{"containerName": "db", "resource": "limits.memory", "divisor": "1Mi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "limits.memory", Divisor: tt.divisor}
			spec := corev1.PodSpec{
				Containers: []corev1.Container{{Name: "db", Env: []corev1.EnvVar{{Name: "MEM", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: ref}}}}},
				Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					Sources: []corev1.VolumeProjection{{DownwardAPI: &corev1.DownwardAPIProjection{
						Items: []corev1.DownwardAPIVolumeFile{{Path: "mem", ResourceFieldRef: ref}},
					}}},
				}}}},
			}
			for _, convert := range []func(any) (any, error){Tree[corev1sdk.PodSpec], AwaitedTree[corev1sdk.PodSpec]} {
				got, err := convert(spec)
				require.NoError(t, err)
				pod := got.(map[string]any)
				env := pod["containers"].([]any)[0].(map[string]any)["env"].([]any)[0].(map[string]any)
				assert.Equal(t, tt.want, env["valueFrom"].(map[string]any)["resourceFieldRef"], "env var")
				projected := pod["volumes"].([]any)[0].(map[string]any)["projected"].(map[string]any)
				item := projected["sources"].([]any)[0].(map[string]any)["downwardAPI"].(map[string]any)["items"].([]any)[0].(map[string]any)
				assert.Equal(t, tt.want, item["resourceFieldRef"], "projected file")
			}
		})
	}
}
