package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

func accessSpec(a *cluster.Access) cluster.Spec {
	return cluster.Spec{
		Replicas:   3,
		Ports:      []network.Port{{Name: "sql", Port: 5432, Client: true, Peer: true}},
		Containers: []corev1.Container{{Name: "db", Image: "db:1"}},
		Init:       &cluster.InitJob{Command: []string{"init"}},
		Access:     a,
	}
}

var endpointsReader = rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"endpoints"}, Verbs: []string{"get", "list", "watch"}}

func TestAccessDefaultsToNoToken(t *testing.T) {
	p, err := cluster.New("db", accessSpec(nil), cluster.Options{})
	require.NoError(t, err)
	assert.Nil(t, p.RBAC)
	for name, pod := range map[string]corev1.PodSpec{"statefulset": p.StatefulSet.Spec.Template.Spec, "init job": p.InitJob.Spec.Template.Spec} {
		require.NotNil(t, pod.AutomountServiceAccountToken, name)
		assert.False(t, *pod.AutomountServiceAccountToken, name+" must not mount an API token by default")
		assert.Empty(t, pod.ServiceAccountName, name)
	}
}

func TestAccessCreatesLeastPrivilegeRole(t *testing.T) {
	p, err := cluster.New("db", accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{endpointsReader}}), cluster.Options{})
	require.NoError(t, err)
	require.NotNil(t, p.RBAC)
	assert.Equal(t, "db", p.RBAC.ServiceAccount.Name)
	require.NotNil(t, p.RBAC.ServiceAccount.AutomountServiceAccountToken)
	assert.False(t, *p.RBAC.ServiceAccount.AutomountServiceAccountToken, "only pods that opt in get the token")
	assert.Equal(t, []rbacv1.PolicyRule{endpointsReader}, p.RBAC.Role.Rules)
	assert.Equal(t, rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "db"}, p.RBAC.RoleBinding.RoleRef)
	assert.Equal(t, []rbacv1.Subject{{Kind: "ServiceAccount", Name: "db"}}, p.RBAC.RoleBinding.Subjects)
	for name, pod := range map[string]corev1.PodSpec{"statefulset": p.StatefulSet.Spec.Template.Spec, "init job": p.InitJob.Spec.Template.Spec} {
		assert.Equal(t, "db", pod.ServiceAccountName, name)
		require.NotNil(t, pod.AutomountServiceAccountToken, name)
		assert.True(t, *pod.AutomountServiceAccountToken, name)
	}
}

func TestAccessValidation(t *testing.T) {
	tests := []struct {
		name   string
		spec   func() cluster.Spec
		fields []string
		fix    string
	}{
		{"no rules", func() cluster.Spec { return accessSpec(&cluster.Access{}) }, []string{"spec.access.rules"}, "list the permissions"},
		{"wildcard verb", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"*"}}}})
		}, []string{"spec.access.rules[0].verbs[0]"}, "list each verb explicitly"},
		{"wildcard resource and no verbs", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"*"}}}})
		}, []string{"spec.access.rules[0].verbs", "spec.access.rules[0].resources[0]"}, "list each resource explicitly"},
		{"subresource wildcard */exec", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"*/exec"}, Verbs: []string{"create"}}}})
		}, []string{"spec.access.rules[0].resources[0]"}, "list each resource explicitly"},
		{"subresource wildcard pods/*", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods/*"}, Verbs: []string{"get"}}}})
		}, []string{"spec.access.rules[0].resources[0]"}, "list each resource explicitly"},
		{"subresource wildcard */*", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"*/*"}, Verbs: []string{"get"}}}})
		}, []string{"spec.access.rules[0].resources[0]"}, "list each resource explicitly"},
		{"escalate", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"roles"}, Verbs: []string{"escalate"}}}})
		}, []string{"spec.access.rules[0].verbs[0]"}, "create or edit Roles granting permissions"},
		{"bind", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"roles"}, Verbs: []string{"bind"}}}})
		}, []string{"spec.access.rules[0].verbs[0]"}, "bind Roles with permissions"},
		{"impersonate", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"serviceaccounts"}, Verbs: []string{"impersonate"}}}})
		}, []string{"spec.access.rules[0].verbs[0]"}, "act as other users"},
		{"non-resource URL", func() cluster.Spec {
			return accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/healthz"}, Verbs: []string{"get"}}}})
		}, []string{"spec.access.rules[0].nonResourceURLs"}, "cannot grant non-resource URLs"},
		{"other service account", func() cluster.Spec {
			s := accessSpec(&cluster.Access{Rules: []rbacv1.PolicyRule{endpointsReader}})
			s.ServiceAccountName = "mine"
			return s
		}, []string{"spec.serviceAccountName"}, "remove serviceAccountName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cluster.New("db", tt.spec(), cluster.Options{})
			var verr *validation.Error
			require.ErrorAs(t, err, &verr)
			assert.ElementsMatch(t, tt.fields, verr.Fields())
			assert.Contains(t, err.Error(), tt.fix)
			assert.Contains(t, err.Error(), `DatabaseCluster "db"`)
		})
	}
}
