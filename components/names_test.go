package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8srbac "k8s.io/api/rbac/v1"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// Type tokens, child names and parents make up each resource's URN, which
// is how Pulumi recognises a live resource: changing any of them replaces
// the resource (deleting a database's StatefulSet or its volumes) unless
// aliases are added. These tables are the public contract; a failing test
// here means a breaking change.
func TestTypeTokensAreStable(t *testing.T) {
	tests := []struct{ got, want string }{
		{DatabaseClusterType, "ordinal:index:DatabaseCluster"},
		{LocalVolumePoolType, "ordinal:index:LocalVolumePool"},
		{HeadlessNetworkType, "ordinal:index:HeadlessNetwork"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got)
	}
}

func TestURNsAreStable(t *testing.T) {
	const configSum = "4fb43b46e4"
	spec := dbSpec()
	spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
	spec.Access = &cluster.Access{Rules: []k8srbac.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		pool, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: localpv.Spec{
			Nodes: []string{"node-a", "node-b", "node-c"}, Path: "/mnt/disks/ssd0", Capacity: "10Gi",
		}})
		if err != nil {
			return err
		}
		if _, err := NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
			Spec: spec, Image: pulumi.String(dbImage), Pool: pool,
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
		}); err != nil {
			return err
		}
		_, err = NewHeadlessNetwork(ctx, "kv", &HeadlessNetworkArgs{Spec: network.Spec{
			Replicas: 3, Ports: kvPorts(), Client: &network.ClientService{},
		}})
		return err
	}, ordinaltest.WithProject("shop"), ordinaltest.WithStack("prod"))

	const (
		p   = "urn:pulumi:prod::shop::"
		dc  = "ordinal:index:DatabaseCluster"
		hn  = "ordinal:index:HeadlessNetwork"
		lvp = "ordinal:index:LocalVolumePool"
	)
	// The PV names end in a hash of node and path (localpv.VolumeName),
	// spelled out so that a change to the hash shows up too.
	want := []struct{ urn, objectName string }{
		{p + lvp + "::disks", ""},
		{p + lvp + "$kubernetes:storage.k8s.io/v1:StorageClass::disks-class", "disks"},
		{p + lvp + "$kubernetes:core/v1:PersistentVolume::disks-node-a-575da0", "disks-node-a-575da0"},
		{p + lvp + "$kubernetes:core/v1:PersistentVolume::disks-node-b-e65791", "disks-node-b-e65791"},
		{p + lvp + "$kubernetes:core/v1:PersistentVolume::disks-node-c-409d82", "disks-node-c-409d82"},

		{p + dc + "::db", ""},
		{p + dc + "$" + hn + "::db-network", ""},
		{p + dc + "$" + hn + "$kubernetes:core/v1:Service::db-network-headless", "db"},
		{p + dc + "$" + hn + "$kubernetes:core/v1:Service::db-network-client", "db-public"},
		// The ConfigMap's resource and object names end in the hash of its content.
		{p + dc + "$kubernetes:core/v1:ConfigMap::db-config-" + configSum, "db-config-" + configSum},
		{p + dc + "$kubernetes:core/v1:Secret::db-secret", ordinaltest.AutoName("db-secret")},
		{p + dc + "$kubernetes:networking.k8s.io/v1:NetworkPolicy::db-netpol", "db"},
		{p + dc + "$kubernetes:core/v1:ServiceAccount::db-sa", "db"},
		{p + dc + "$kubernetes:rbac.authorization.k8s.io/v1:Role::db-role", "db"},
		{p + dc + "$kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::db-rolebinding", "db"},
		{p + dc + "$kubernetes:core/v1:ConfigMap::db-lifetime", "db-lifetime"},
		{p + dc + "$kubernetes:apps/v1:StatefulSet::db-statefulset", "db"},
		// One per claim template and pod, named as the StatefulSet names them.
		{p + dc + "$kubernetes:core/v1:PersistentVolumeClaimPatch::db-claim-data-db-0", "data-db-0"},
		{p + dc + "$kubernetes:core/v1:PersistentVolumeClaimPatch::db-claim-data-db-1", "data-db-1"},
		{p + dc + "$kubernetes:core/v1:PersistentVolumeClaimPatch::db-claim-data-db-2", "data-db-2"},
		{p + dc + "$kubernetes:policy/v1:PodDisruptionBudget::db-pdb", "db"},
		{p + dc + "$kubernetes:batch/v1:Job::db-init", "db-init"},

		{p + hn + "::kv", ""},
		{p + hn + "$kubernetes:core/v1:Service::kv-headless", "kv"},
		{p + hn + "$kubernetes:core/v1:Service::kv-client", "kv-public"},
	}
	var wantURNs, gotURNs []string
	for _, w := range want {
		wantURNs = append(wantURNs, w.urn)
	}
	for _, r := range rec.Resources() {
		gotURNs = append(gotURNs, r.URN)
	}
	require.ElementsMatch(t, wantURNs, gotURNs)

	for _, w := range want {
		r, ok := rec.ByURN(w.urn)
		require.True(t, ok, w.urn)
		if w.objectName == "" {
			assert.False(t, r.Custom, "%s is a component", r)
			continue
		}
		name, _ := ordinaltest.Resource{Inputs: r.Outputs}.Lookup("metadata.name")
		assert.Equal(t, w.objectName, name, "Kubernetes name of %s", r)
	}
	// The ConfigMap's resource name ends with its content hash since
	// NamedObjectOptions; stacks from before keep their object through
	// the alias to the old name.
	cm, _ := rec.ByURN(p + dc + "$kubernetes:core/v1:ConfigMap::db-config-" + configSum)
	assert.Equal(t, []string{"db-config"}, cm.Options.AliasNames)
}
