package provider

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// busySpec sets the fields the engine profiles leave alone.
func busySpec() cluster.Spec {
	s := engines.Etcd("busy", engines.EtcdOptions{Replicas: 5})
	s.UpdateStrategy = cluster.UpdateStrategy{Partition: 2, MaxUnavailable: ptr.To(intstr.FromString("20%"))}
	s.RevisionHistoryLimit = ptr.To[int32](3)
	s.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "db", Effect: corev1.TaintEffectNoSchedule}}
	s.NetworkPolicy = &cluster.NetworkPolicy{Clients: []netv1.NetworkPolicyPeer{{PodSelector: nil}}}
	s.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
	s.Objects.PDB.Name = "busy-budget"
	s.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}
	s.Labels = map[string]string{"team": "data"}
	return s
}

// Every spec a Go program can write arrives unchanged when another
// language sends it in the schema's names.
func TestDecodeRoundTrip(t *testing.T) {
	specs := map[string]cluster.Spec{
		"zookeeper": engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: 3}),
		"etcd":      engines.Etcd("etcd", engines.EtcdOptions{Replicas: 3}),
		"mysql":     engines.MySQL("db", engines.MySQLOptions{}),
		"cockroach": engines.Cockroach("crdb", engines.CockroachOptions{Replicas: 3, TLS: &engines.CockroachTLS{NodeSecret: "tls"}}),
		"busy":      busySpec(),
	}
	for name, want := range specs {
		t.Run(name, func(t *testing.T) {
			l := validation.New(cluster.Kind, name)
			var got cluster.Spec
			decode(l, validation.NewPath("spec"), PlainValue(want), &got)
			require.NoError(t, l.Err())
			assert.True(t, equality.Semantic.DeepEqual(want, got), "decoded spec differs:\nwant %+v\ngot  %+v", want, got)
		})
	}
}

func TestClusterArgs(t *testing.T) {
	zk := engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: 3})
	tests := []struct {
		name         string
		spec, engine map[string]any
		want         func() cluster.Spec // nil: an error is expected
		errs         []string            // the error's field paths
		message      string              // part of the message
	}{{
		name:   "engine alone is the profile",
		engine: map[string]any{"zookeeper": map[string]any{"replicas": 3.0}},
		want:   func() cluster.Spec { return zk },
	}, {
		name:   "spec is laid over the profile: scalars replace, objects merge",
		engine: map[string]any{"zookeeper": map[string]any{"replicas": 3.0}},
		spec: map[string]any{
			"replicas": 5.0,
			"network":  map[string]any{"client": map[string]any{"type": "NodePort"}},
			"labels":   map[string]any{"team": "data"},
		},
		want: func() cluster.Spec {
			s := engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: 3})
			s.Replicas = 5
			s.Network.Client.Type = corev1.ServiceTypeNodePort
			s.Labels = map[string]string{"team": "data"}
			return s
		},
	}, {
		name: "a misspelt field names its path and the fields there are",
		spec: map[string]any{"replicas": 3.0, "updateStrategy": map[string]any{"partiton": 1.0}},
		errs: []string{"spec.updateStrategy.partiton"}, message: "is not a field of UpdateStrategy; its fields are maxUnavailable, partition, type",
	}, {
		name: "a misspelt Kubernetes field inside a container",
		spec: map[string]any{"containers": []any{map[string]any{"name": "db", "imagePullPolicyy": "Always"}}},
		errs: []string{"spec.containers[0].imagePullPolicyy"}, message: "is not a field of v1.Container",
	}, {
		name: "wrong kinds, all at once",
		spec: map[string]any{"replicas": "three", "automountServiceAccountToken": "yes", "ports": map[string]any{}},
		errs: []string{"spec.automountServiceAccountToken", "spec.ports", "spec.replicas"}, message: "must be an integer",
	}, {
		name:   "two engines",
		engine: map[string]any{"zookeeper": map[string]any{}, "etcd": map[string]any{}},
		errs:   []string{"engine"}, message: "set one engine profile",
	}, {
		name:   "an unknown engine",
		engine: map[string]any{"postgres": map[string]any{}},
		errs:   []string{"engine.postgres"}, message: "its fields are cockroach, etcd, mysql, zookeeper",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ClusterArgs("zk", tc.spec, tc.engine)
			if tc.want != nil {
				require.NoError(t, err)
				assert.True(t, equality.Semantic.DeepEqual(tc.want(), got), "got %+v", got)
				return
			}
			var verr *validation.Error
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tc.errs, verr.Fields())
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

// Bad input from another language gets the Go components' own errors,
// field paths included.
func TestClusterErrorsMatchGo(t *testing.T) {
	bad := engines.Etcd("etcd", engines.EtcdOptions{Replicas: 3})
	bad.Replicas = 0
	bad.Claims[0].Size = "10 gigs"
	_, _, goErr := components.PlanDatabaseCluster("etcd", &components.DatabaseClusterArgs{Spec: bad})
	require.Error(t, goErr)

	spec, err := ClusterArgs("etcd", map[string]any{
		"replicas": 0.0,
		"claims":   []any{map[string]any{"name": bad.Claims[0].Name, "size": "10 gigs"}},
	}, map[string]any{"etcd": map[string]any{"replicas": 3.0}})
	require.NoError(t, err)
	_, _, viaSchema := components.PlanDatabaseCluster("etcd", &components.DatabaseClusterArgs{Spec: spec})
	require.Error(t, viaSchema)
	assert.Equal(t, goErr.Error(), viaSchema.Error())
	assert.Contains(t, viaSchema.Error(), "spec.replicas")
}
