package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// TestInitContainersReferToGeneratedConfigMap: an init container's
// ConfigEnv and envFrom name the content-addressed ConfigMap, as the main
// containers' do, not the placeholder (a ConfigMap that does not exist).
func TestInitContainersReferToGeneratedConfigMap(t *testing.T) {
	ref := corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap}}}
	tests := []struct {
		name string
		c    corev1.Container
	}{
		{"env", corev1.Container{Name: "prep", Image: "busybox", Env: []corev1.EnvVar{cluster.ConfigEnv("K", "k")}}},
		{"envFrom", corev1.Container{Name: "prep", Image: "busybox", EnvFrom: []corev1.EnvFromSource{ref}}},
		{"both", corev1.Container{Name: "prep", Image: "busybox", Env: []corev1.EnvVar{cluster.ConfigEnv("K", "k")}, EnvFrom: []corev1.EnvFromSource{ref}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Config = &cluster.Config{Data: map[string]string{"k": "1"}}
			s.InitContainers = []corev1.Container{tt.c}
			p := mustPlan(t, s, cluster.Options{})
			require.NotNil(t, p.ConfigMap)
			ic := podSpecOf(p).InitContainers[0]
			for _, e := range ic.Env {
				assert.Equal(t, p.ConfigMap.Name, e.ValueFrom.ConfigMapKeyRef.Name)
			}
			for _, ef := range ic.EnvFrom {
				assert.Equal(t, p.ConfigMap.Name, ef.ConfigMapRef.Name)
			}
			// The caller's spec keeps the placeholder.
			for _, e := range s.InitContainers[0].Env {
				assert.Equal(t, cluster.GeneratedConfigMap, e.ValueFrom.ConfigMapKeyRef.Name)
			}
		})
	}
}

// TestInitContainersReferToGeneratedSecret: Resolve names the generated
// Secret in init containers too.
func TestInitContainersReferToGeneratedSecret(t *testing.T) {
	s := dbSpec()
	s.InitContainers = []corev1.Container{{Name: "prep", Image: "busybox", Env: []corev1.EnvVar{cluster.SecretEnv("P", "password")}}}
	p := mustPlan(t, s, cluster.Options{SecretKeys: []string{"password"}})
	sts := p.ResolveStatefulSet(cluster.Deployed{SecretName: "db-secret-abc"})
	assert.Equal(t, "db-secret-abc", sts.Spec.Template.Spec.InitContainers[0].Env[0].ValueFrom.SecretKeyRef.Name)
}
