package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// TestRestrictedKeepsDropAll: a user's capabilities are merged into the
// restricted profile's, never replace its drop ALL.
func TestRestrictedKeepsDropAll(t *testing.T) {
	tests := []struct {
		name     string
		caps     *corev1.Capabilities
		wantDrop []corev1.Capability
		wantAdd  []corev1.Capability
	}{
		{"add NET_BIND_SERVICE", &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE"}}, []corev1.Capability{"ALL"}, []corev1.Capability{"NET_BIND_SERVICE"}},
		{"drop some", &corev1.Capabilities{Drop: []corev1.Capability{"NET_RAW"}}, []corev1.Capability{"NET_RAW", "ALL"}, nil},
		{"drop ALL already", &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}, []corev1.Capability{"ALL"}, nil},
		{"empty", &corev1.Capabilities{}, []corev1.Capability{"ALL"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: tt.caps}
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox:1", SecurityContext: &corev1.SecurityContext{Capabilities: tt.caps.DeepCopy()}}}
			before := tt.caps.DeepCopy()
			pod := podSpecOf(mustPlan(t, s, cluster.Options{}))
			for _, c := range []corev1.Container{pod.Containers[0], pod.InitContainers[0]} {
				assert.Equal(t, tt.wantDrop, c.SecurityContext.Capabilities.Drop, c.Name)
				assert.Equal(t, tt.wantAdd, c.SecurityContext.Capabilities.Add, c.Name)
				assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation, c.Name)
			}
			assert.Equal(t, before, s.Containers[0].SecurityContext.Capabilities, "the caller's container is not modified")
		})
	}
}

func TestRestrictedRefusals(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *cluster.Spec)
		field string
		fix   string
	}{
		{"pod runAsUser 0", func(s *cluster.Spec) {
			s.Security.PodSecurityContext = &corev1.PodSecurityContext{RunAsUser: new(int64(0))}
		}, "spec.security.podSecurityContext.runAsUser", "use a non-zero id such as 1000"},
		{"pod runAsNonRoot false", func(s *cluster.Spec) {
			s.Security.PodSecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: new(false)}
		}, "spec.security.podSecurityContext.runAsNonRoot", "remove runAsNonRoot or set it true"},
		{"pod seccomp unconfined", func(s *cluster.Spec) {
			s.Security.PodSecurityContext = &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}}
		}, "spec.security.podSecurityContext.seccompProfile.type", "RuntimeDefault or Localhost"},
		{"container runAsUser 0", func(s *cluster.Spec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{RunAsUser: new(int64(0))}
		}, "spec.containers[0].securityContext.runAsUser", "use a non-zero id such as 1000"},
		{"init container runAsUser 0", func(s *cluster.Spec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox:1", SecurityContext: &corev1.SecurityContext{RunAsUser: new(int64(0))}}}
		}, "spec.initContainers[0].securityContext.runAsUser", "use a non-zero id such as 1000"},
		{"add SYS_ADMIN", func(s *cluster.Spec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE", "SYS_ADMIN"}}}
		}, "spec.containers[0].securityContext.capabilities.add[1]", "allows adding only NET_BIND_SERVICE"},
		{"privileged", func(s *cluster.Spec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: new(true)}
		}, "spec.containers[0].securityContext.privileged", "remove privileged"},
		{"privilege escalation", func(s *cluster.Spec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: new(true)}
		}, "spec.containers[0].securityContext.allowPrivilegeEscalation", "forbids privilege escalation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			tt.edit(&s)
			_, err := cluster.New("db", s, cluster.Options{})
			var verr *validation.Error
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, []string{tt.field}, verr.Fields())
			assert.Contains(t, err.Error(), tt.fix)
			assert.Contains(t, err.Error(), `set spec.security.profile "none"`)

			s.Security.Profile = cluster.SecurityNone
			_, err = cluster.New("db", s, cluster.Options{})
			assert.NoError(t, err, "profile none sets and refuses nothing")
		})
	}
}
