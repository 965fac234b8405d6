package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// stackDB is a small cluster with one claim, for the stack-wide checks.
func stackDB(claim string, mutate ...func(a *DatabaseClusterArgs)) *DatabaseClusterArgs {
	a := &DatabaseClusterArgs{Spec: cluster.Spec{
		Replicas:   3,
		Ports:      []network.Port{{Name: "sql", Port: 5432, Client: true, Peer: true}},
		Containers: []corev1.Container{{Name: "db", Image: "db:1"}},
		Claims:     []cluster.Claim{{Name: claim, Size: "1Gi", MountPath: "/data"}},
	}}
	for _, m := range mutate {
		m(a)
	}
	return a
}

func atNamespace(ns pulumi.StringInput) func(a *DatabaseClusterArgs) {
	return func(a *DatabaseClusterArgs) { a.Namespace = ns }
}

// TestStackWideNameCollisions: the components of one stack never generate
// the same claim, Service, PV or disk, nor overcommit a shared pool.
func TestStackWideNameCollisions(t *testing.T) {
	db := func(name string, a *DatabaseClusterArgs) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error { _, err := NewDatabaseCluster(ctx, name, a); return err }
	}
	net := func(name string, ns pulumi.StringInput) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			_, err := NewHeadlessNetwork(ctx, name, &HeadlessNetworkArgs{Namespace: ns, Spec: network.Spec{Replicas: 3, Ports: []network.Port{{Name: "sql", Port: 5432, Peer: true}}}})
			return err
		}
	}
	pool := func(name string, spec localpv.Spec) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			_, err := NewLocalVolumePool(ctx, name, &LocalVolumePoolArgs{Spec: spec})
			return err
		}
	}
	// poolDB registers pool disks with the given nodes, then the clusters on it.
	poolDBs := func(nodes []string, names ...string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			p, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: localpv.Spec{Nodes: nodes, Path: "/mnt/d", Capacity: "10Gi"}})
			if err != nil {
				return err
			}
			for _, n := range names {
				if _, err := NewDatabaseCluster(ctx, n, stackDB("data", func(a *DatabaseClusterArgs) { a.Pool = p })); err != nil {
					return err
				}
			}
			return nil
		}
	}
	withClient := func(a *DatabaseClusterArgs) { a.Spec.Network.Client = &network.ClientService{} }
	tests := []struct {
		name  string
		steps []func(ctx *pulumi.Context) error
		// kind, component and field of the refusal; "" when all register.
		kind, component, field string
		text                   []string
	}{
		{name: "two clusters share a claim",
			steps: []func(ctx *pulumi.Context) error{db("x", stackDB("data-db")), db("db-x", stackDB("data"))},
			kind:  cluster.Kind, component: "db-x", field: "spec.claims[0].name",
			text: []string{`the PersistentVolumeClaim "data-db-x-0" in the provider's default namespace would also be DatabaseCluster "x"'s`, "rename the claim or the component"}},
		{name: "same claim names in disjoint ordinal ranges",
			steps: []func(ctx *pulumi.Context) error{db("x", stackDB("data-db")), db("db-x", stackDB("data", func(a *DatabaseClusterArgs) { a.Spec.OrdinalStart = 3 }))}},
		{name: "ordinal ranges that overlap",
			steps: []func(ctx *pulumi.Context) error{db("x", stackDB("data-db")), db("db-x", stackDB("data", func(a *DatabaseClusterArgs) { a.Spec.OrdinalStart = 2 }))},
			kind:  cluster.Kind, component: "db-x", field: "spec.claims[0].name", text: []string{`"data-db-x-2"`}},
		{name: "same claims in known namespaces",
			steps: []func(ctx *pulumi.Context) error{db("x", stackDB("data-db", atNamespace(pulumi.String("a")))), db("db-x", stackDB("data", atNamespace(pulumi.String("a"))))},
			kind:  cluster.Kind, component: "db-x", field: "spec.claims[0].name", text: []string{`in namespace "a"`}},
		{name: "same claims in other namespaces",
			steps: []func(ctx *pulumi.Context) error{db("x", stackDB("data-db", atNamespace(pulumi.String("a")))), db("db-x", stackDB("data", atNamespace(pulumi.String("b"))))}},
		{name: "namespace not known while the program runs is not compared",
			steps: []func(ctx *pulumi.Context) error{db("x", stackDB("data-db")), db("db-x", stackDB("data", atNamespace(pulumi.String("").ToStringOutput())))}},
		{name: "a cluster named like another's client Service",
			steps: []func(ctx *pulumi.Context) error{db("db", stackDB("data", withClient)), db("db-public", stackDB("data"))},
			kind:  cluster.Kind, component: "db-public", field: "spec.network.serviceName",
			text: []string{`the Service "db-public" in the provider's default namespace is also made by DatabaseCluster "db"`, "set spec.network.serviceName"}},
		{name: "a HeadlessNetwork and a DatabaseCluster of one name",
			steps: []func(ctx *pulumi.Context) error{db("db", stackDB("data")), net("db", nil)},
			kind:  network.Kind, component: "db", field: "spec.serviceName",
			text: []string{`the Service "db" in the provider's default namespace is also made by DatabaseCluster "db"`}},
		{name: "a HeadlessNetwork and a DatabaseCluster of one name in other namespaces",
			steps: []func(ctx *pulumi.Context) error{db("db", stackDB("data")), net("db", pulumi.String("other"))}},
		{name: "two pools with the same class, node and path",
			steps: []func(ctx *pulumi.Context) error{
				pool("a", localpv.Spec{StorageClassName: "fast", Nodes: []string{"n0"}, Path: "/mnt/d", Capacity: "1Gi"}),
				pool("b", localpv.Spec{StorageClassName: "fast", ExistingStorageClass: true, Nodes: []string{"n1", "n0"}, Path: "/mnt/d", Capacity: "1Gi"}),
			},
			kind: localpv.Kind, component: "b", field: "spec.nodes[1]",
			text: []string{`the local disk "n0:/mnt/d" is also made by LocalVolumePool "a"`, "list each node and path in one pool only"}},
		{name: "two pools of one disk under other classes",
			steps: []func(ctx *pulumi.Context) error{
				pool("a", localpv.Spec{Nodes: []string{"n0"}, Path: "/mnt/d", Capacity: "1Gi"}),
				pool("b", localpv.Spec{Volumes: []localpv.Volume{{Node: "n0", Path: "/mnt/d", Capacity: "1Gi"}}}),
			},
			kind: localpv.Kind, component: "b", field: "spec.volumes[0]", text: []string{`"n0:/mnt/d"`}},
		{name: "two pools creating one StorageClass",
			steps: []func(ctx *pulumi.Context) error{
				pool("a", localpv.Spec{StorageClassName: "fast", Nodes: []string{"n0"}, Path: "/mnt/d", Capacity: "1Gi"}),
				pool("b", localpv.Spec{StorageClassName: "fast", Nodes: []string{"n1"}, Path: "/mnt/d", Capacity: "1Gi"}),
			},
			kind: localpv.Kind, component: "b", field: "spec.storageClassName", text: []string{`the StorageClass "fast" is also made by LocalVolumePool "a"`, "set existingStorageClass"}},
		{name: "two clusters on a pool that fits one",
			steps: []func(ctx *pulumi.Context) error{poolDBs([]string{"n0", "n1", "n2", "n3"}, "a", "b")},
			kind:  cluster.Kind, component: "b", field: "pool",
			text: []string{`the LocalVolumePool "disks" has 4 volumes, DatabaseCluster "a" already claim 3 of them, and this cluster needs 3 more`}},
		{name: "two clusters on a pool that fits both",
			steps: []func(ctx *pulumi.Context) error{poolDBs([]string{"n0", "n1", "n2", "n3", "n4", "n5"}, "a", "b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
				for _, step := range tt.steps {
					if err := step(ctx); err != nil {
						return err
					}
				}
				return nil
			})
			if tt.kind == "" {
				require.NoError(t, err)
				return
			}
			var verr *validation.Error
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.kind, verr.Component)
			assert.Equal(t, tt.component, verr.Name)
			assert.Equal(t, []string{tt.field}, verr.Fields())
			for _, s := range tt.text {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// TestStackNamesArePerStack: another stack (context) starts empty.
func TestStackNamesArePerStack(t *testing.T) {
	for range 2 {
		ordinaltest.Run(t, func(ctx *pulumi.Context) error {
			_, err := NewDatabaseCluster(ctx, "x", stackDB("data-db"))
			return err
		})
	}
}
