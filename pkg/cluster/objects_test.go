package cluster_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// allObjects is dbSpec with every optional child object: init Job,
// generated ConfigMap (also read by an env var), NetworkPolicy and RBAC.
func allObjects() cluster.Spec {
	s := dbSpec()
	s.Containers[0].Env = []corev1.EnvVar{cluster.ConfigEnv("MODE", "mode")}
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	s.Config = &cluster.Config{Data: map[string]string{"mode": "cluster"}}
	s.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
	s.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
	return s
}

// objectMetas are the metadata of a plan's child objects by spec.objects field.
func objectMetas(p *cluster.Plan) map[string]metav1.ObjectMeta {
	return map[string]metav1.ObjectMeta{
		"pdb": p.PDB.ObjectMeta, "initJob": p.InitJob.ObjectMeta, "configMap": p.ConfigMap.ObjectMeta,
		"networkPolicy": p.NetworkPolicy.ObjectMeta, "serviceAccount": p.RBAC.ServiceAccount.ObjectMeta,
		"role": p.RBAC.Role.ObjectMeta, "roleBinding": p.RBAC.RoleBinding.ObjectMeta,
	}
}

func TestObjectNames(t *testing.T) {
	hash := mustPlan(t, allObjects(), cluster.Options{}).ConfigChecksum[:10]
	tests := []struct {
		name    string
		objects cluster.Objects
		want    map[string]string // metadata.name by spec.objects field
	}{
		{"defaults", cluster.Objects{}, map[string]string{
			"pdb": "db", "initJob": "db-init", "configMap": "db-config-" + hash, "networkPolicy": "db",
			"serviceAccount": "db", "role": "db", "roleBinding": "db",
		}},
		{"every name overridden", cluster.Objects{
			PDB: cluster.Object{Name: "bini-budget"}, InitJob: cluster.Object{Name: "cluster-init"},
			ConfigMap: cluster.Object{Name: "bini-config"}, NetworkPolicy: cluster.Object{Name: "bini-policy"},
			ServiceAccount: cluster.Object{Name: "bini"}, Role: cluster.Object{Name: "bini:peers"},
			RoleBinding: cluster.Object{Name: "bini-peers"},
		}, map[string]string{
			"pdb": "bini-budget", "initJob": "cluster-init", "configMap": "bini-config-" + hash, "networkPolicy": "bini-policy",
			"serviceAccount": "bini", "role": "bini:peers", "roleBinding": "bini-peers",
		}},
		{"one name overridden", cluster.Objects{PDB: cluster.Object{Name: "bini-budget"}}, map[string]string{
			"pdb": "bini-budget", "initJob": "db-init", "configMap": "db-config-" + hash, "networkPolicy": "db",
			"serviceAccount": "db", "role": "db", "roleBinding": "db",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := allObjects()
			s.Objects = tt.objects
			p := mustPlan(t, s, cluster.Options{})
			got := map[string]string{}
			for field, m := range objectMetas(p) {
				got[field] = m.Name
			}
			assert.Equal(t, tt.want, got)

			// What refers to the objects follows their names.
			assert.Equal(t, "db", p.StatefulSet.Name, "the StatefulSet keeps the cluster's name")
			pod := podSpecOf(p)
			assert.Equal(t, tt.want["serviceAccount"], pod.ServiceAccountName)
			assert.Equal(t, tt.want["serviceAccount"], p.InitJob.Spec.Template.Spec.ServiceAccountName)
			assert.Equal(t, tt.want["serviceAccount"], p.RBAC.RoleBinding.Subjects[0].Name)
			assert.Equal(t, tt.want["role"], p.RBAC.RoleBinding.RoleRef.Name)
			assert.Equal(t, tt.want["configMap"], pod.Containers[0].Env[0].ValueFrom.ConfigMapKeyRef.Name)
			assert.Equal(t, tt.want["configMap"], pod.Volumes[0].Projected.Sources[0].ConfigMap.Name)
		})
	}
}

func TestObjectLabels(t *testing.T) {
	extra := map[string]string{"app": "bini", "tier": "db"}
	s := allObjects()
	s.Labels = map[string]string{"app": "cockroach", "team": "data"}
	s.Objects = cluster.Objects{
		PDB: cluster.Object{Labels: extra}, InitJob: cluster.Object{Labels: extra}, ConfigMap: cluster.Object{Labels: extra},
		NetworkPolicy: cluster.Object{Labels: extra}, ServiceAccount: cluster.Object{Labels: extra},
		Role: cluster.Object{Labels: extra}, RoleBinding: cluster.Object{Labels: extra},
	}
	s.Network.ServiceLabels = map[string]string{"app": "bini-headless"}
	p := mustPlan(t, s, cluster.Options{})
	for field, m := range objectMetas(p) {
		assert.Equal(t, "bini", m.Labels["app"], "%s: its own labels win over spec.labels", field)
		assert.Equal(t, "db", m.Labels["tier"], field)
		assert.Equal(t, "data", m.Labels["team"], "%s keeps spec.labels", field)
		assert.Equal(t, "db", m.Labels[labels.Instance], field)
	}
	assert.Equal(t, "init", p.InitJob.Labels[labels.Component])
	assert.NotContains(t, p.InitJob.Spec.Template.Labels, "tier", "the Job's labels stay off its (immutable) pod template")
	assert.Equal(t, "cockroach", p.StatefulSet.Labels["app"], "the other objects keep spec.labels")
	assert.Equal(t, "bini-headless", p.Network.Service.Labels["app"])
	assert.Equal(t, "database", p.Network.Service.Labels[labels.Component])

	extra["tier"] = "changed"
	assert.Equal(t, "db", p.PDB.Labels["tier"], "the plan holds maps of its own")
}

// TestObjectsLeaveTheDefaultsAlone: the zero Objects plans the very same
// objects as a spec from before spec.objects existed.
func TestObjectsLeaveTheDefaultsAlone(t *testing.T) {
	s := allObjects()
	a := mustPlan(t, s, cluster.Options{})
	s.Objects = cluster.Objects{PDB: cluster.Object{Labels: map[string]string{}}}
	s.Network.ServiceLabels = map[string]string{}
	b := mustPlan(t, s, cluster.Options{})
	assert.Equal(t, a.StatefulSet, b.StatefulSet)
	assert.Equal(t, a.PDB, b.PDB)
	assert.Equal(t, a.Network.Service, b.Network.Service)
}

func TestObjectsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *cluster.Spec)
		want []fieldProblem
	}{
		{"PDB name not a subdomain", func(s *cluster.Spec) { s.Objects.PDB.Name = "Bini_Budget" },
			[]fieldProblem{{"spec.objects.pdb.name", "must be a lower-case RFC 1123 subdomain"}}},
		{"Job name with a dot", func(s *cluster.Spec) { s.Objects.InitJob.Name = "cluster.init" },
			[]fieldProblem{{"spec.objects.initJob.name", "must be a lower-case RFC 1123 label"}}},
		{"Job name too long for a label", func(s *cluster.Spec) { s.Objects.InitJob.Name = strings.Repeat("j", 64) },
			[]fieldProblem{{"spec.objects.initJob.name", "no more than 63 characters"}}},
		{"ConfigMap base too long for the hash", func(s *cluster.Spec) { s.Objects.ConfigMap.Name = strings.Repeat("c", 243) },
			[]fieldProblem{{"spec.objects.configMap.name", "must be at most 242 characters: the ConfigMap is named \"<name>-<10-character hash of its data>\""}}},
		{"NetworkPolicy name", func(s *cluster.Spec) { s.Objects.NetworkPolicy.Name = "-policy" },
			[]fieldProblem{{"spec.objects.networkPolicy.name", "RFC 1123 subdomain"}}},
		{"ServiceAccount name", func(s *cluster.Spec) { s.Objects.ServiceAccount.Name = "SA" },
			[]fieldProblem{{"spec.objects.serviceAccount.name", "RFC 1123 subdomain"}}},
		{"Role name with a slash", func(s *cluster.Spec) { s.Objects.Role.Name = "db/peers" },
			[]fieldProblem{{"spec.objects.role.name", "must be a Role or RoleBinding name (may not contain '/')"}}},
		{"RoleBinding name ..", func(s *cluster.Spec) { s.Objects.RoleBinding.Name = ".." },
			[]fieldProblem{{"spec.objects.roleBinding.name", "must be a Role or RoleBinding name"}}},
		{"a selector label", func(s *cluster.Spec) { s.Objects.PDB.Labels = map[string]string{labels.Instance: "other"} },
			[]fieldProblem{{"spec.objects.pdb.labels[app.kubernetes.io/instance]", "selects the cluster's pods and is set by ordinal; remove it"}}},
		{"an invalid label", func(s *cluster.Spec) { s.Objects.Role.Labels = map[string]string{"tier": "a b"} },
			[]fieldProblem{{"spec.objects.role.labels[tier]", "label value"}}},
		{"a selector label on the governing Service", func(s *cluster.Spec) {
			s.Network.ServiceLabels = map[string]string{labels.Component: "peers"}
		}, []fieldProblem{{"spec.network.serviceLabels[app.kubernetes.io/component]", "remove it or use another key"}}},
		{"a selector label on the client Service", func(s *cluster.Spec) {
			s.Network.Client.Labels = map[string]string{labels.Instance: "db2"}
		}, []fieldProblem{{"spec.network.client.labels[app.kubernetes.io/instance]", "remove it or use another key"}}},
		{"client Service named like the governing one", func(s *cluster.Spec) {
			s.Network.ServiceName = "bini"
			s.Network.Client.Name = "bini"
		}, []fieldProblem{{"spec.network.client.name", "must differ from the governing Service's name"}}},
		{"another service account than the one access names", func(s *cluster.Spec) {
			s.Objects.ServiceAccount.Name = "bini"
			s.ServiceAccountName = "db"
		}, []fieldProblem{{"spec.serviceAccountName", `spec.access creates the ServiceAccount "bini"`}}},
		{"a budget that is disabled", func(s *cluster.Spec) {
			s.Disruption = &cluster.Disruption{Disabled: true}
			s.Objects.PDB.Name = "bini-budget"
		}, []fieldProblem{{"spec.objects.pdb", "no PodDisruptionBudget is created; remove this, or enable the budget"}}},
		{"no init Job", func(s *cluster.Spec) {
			s.Init = nil
			s.Objects.InitJob.Labels = map[string]string{"a": "b"}
		}, []fieldProblem{{"spec.objects.initJob", "spec.init is not set"}}},
		{"no config data", func(s *cluster.Spec) {
			s.Config = nil
			s.Containers[0].Env = nil
			s.Objects.ConfigMap.Name = "bini-config"
		}, []fieldProblem{{"spec.objects.configMap", "no ConfigMap is generated"}}},
		{"no NetworkPolicy", func(s *cluster.Spec) {
			s.NetworkPolicy = nil
			s.Objects.NetworkPolicy.Name = "bini"
		}, []fieldProblem{{"spec.objects.networkPolicy", "remove this, or enable it"}}},
		{"no access", func(s *cluster.Spec) {
			s.Access = nil
			s.Objects.ServiceAccount.Name = "bini"
			s.Objects.Role.Name = "bini"
			s.Objects.RoleBinding.Name = "bini"
		}, []fieldProblem{
			{"spec.objects.serviceAccount", "set spec.serviceAccountName"},
			{"spec.objects.role", "no Role is created"},
			{"spec.objects.roleBinding", "no RoleBinding is created"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := allObjects()
			s.Network.Client = &network.ClientService{}
			tt.edit(&s)
			p, err := cluster.New("db", s, cluster.Options{})
			assert.Nil(t, p)
			validationtest.Assert(t, err, cluster.Kind, tt.want)
		})
	}
}

// TestObjectsValidLimits: the longest names each kind takes are accepted.
func TestObjectsValidLimits(t *testing.T) {
	s := allObjects()
	s.Objects = cluster.Objects{
		PDB: cluster.Object{Name: strings.Repeat("p", 253)}, InitJob: cluster.Object{Name: strings.Repeat("j", 63)},
		ConfigMap: cluster.Object{Name: strings.Repeat("c", 242)}, Role: cluster.Object{Name: "system:db.peers"},
	}
	p := mustPlan(t, s, cluster.Options{})
	require.Len(t, p.ConfigMap.Name, 253)
}
