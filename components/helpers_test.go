package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// secretValue is the secret the cluster tests pass; it must never show up
// outside the generated Secret.
const secretValue = "s3cret-Do-Not-Leak"

// kvPorts are the ports of the network tests: a client+peer port, a
// peer-only port and a client-only port.
func kvPorts() []network.Port {
	return []network.Port{
		{Name: "client", Port: 2379, Client: true},
		{Name: "peer", Port: 2380, Peer: true},
		{Name: "metrics", Port: 9090, AppProtocol: "http", Client: true},
	}
}

// poolSpec is a three-node pool of 10Gi disks.
func poolSpec() localpv.Spec {
	return localpv.Spec{Nodes: []string{"node-a", "node-b", "node-c"}, Path: "/mnt/disks/ssd0", Capacity: "10Gi"}
}

// dbSpec is a complete three-replica cluster: image supplied at deploy
// time, a claim, config data, secret env, an init Job and a client Service.
func dbSpec() cluster.Spec {
	return cluster.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "sql", Port: 26257, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true},
		},
		Network: cluster.Network{Client: &network.ClientService{}},
		Containers: []corev1.Container{{
			Name: "db",
			Env: []corev1.EnvVar{
				cluster.SecretEnv("DB_PASSWORD", "password"),
				cluster.ConfigEnv("DB_MODE", "mode"),
				{Name: "PLAIN", Value: "visible"},
			},
		}},
		Claims: []cluster.Claim{{Name: "data", Size: "5Gi", MountPath: "/var/lib/db"}},
		Config: &cluster.Config{Data: map[string]string{"db.conf": "cache=1GiB\n", "mode": "cluster"}},
		Init:   &cluster.InitJob{Command: []string{"db", "init", "--host=db-0.db"}},
	}
}

// strs converts a plain []any of strings.
func strs(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	require.Truef(t, ok, "want a list, got %T", v)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		require.Truef(t, ok, "want strings, got %T", x)
		out = append(out, s)
	}
	return out
}

// requireChildrenOf asserts that exactly the given keys ("<type>::<name>")
// are parented to the component with that type and name.
func requireChildrenOf(t *testing.T, rec *ordinaltest.Recorder, typ, name string, want []string) {
	t.Helper()
	comp := rec.Find(t, typ, name)
	var got []string
	for _, c := range rec.Children(comp) {
		got = append(got, c.String())
	}
	require.ElementsMatch(t, want, got, "children of %s %q", typ, name)
}

// withDB is a program that registers the cluster "db" of dbSpec, with its
// image and secret, after mutate changed the arguments.
func withDB(mutate func(*DatabaseClusterArgs)) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		args := &DatabaseClusterArgs{
			Spec:       dbSpec(),
			Image:      pulumi.String(dbImage),
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
		}
		mutate(args)
		_, err := NewDatabaseCluster(ctx, "db", args)
		return err
	}
}
