package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8srbac "k8s.io/api/rbac/v1"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// namedStack is the stack of TestURNsAreStable, every object named by the
// user when rename is set (the names a user moving from YAML keeps).
func namedStack(rename bool) (pulumi.RunFunc, func() (*LocalVolumePool, *DatabaseCluster, *HeadlessNetwork)) {
	var pool *LocalVolumePool
	var db *DatabaseCluster
	var kv *HeadlessNetwork
	run := func(ctx *pulumi.Context) error {
		poolSpec := poolSpec()
		spec := dbSpec()
		spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
		spec.Access = &cluster.Access{Rules: []k8srbac.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
		kvSpec := network.Spec{Replicas: 3, Ports: kvPorts(), Client: &network.ClientService{}}
		if rename {
			poolSpec.Nodes, poolSpec.Path = nil, ""
			for i, n := range []string{"node-a", "node-b", "node-c"} {
				poolSpec.Volumes = append(poolSpec.Volumes, localpv.Volume{Node: n, Path: "/mnt/disks/ssd0", Name: "pv-bini-" + string(rune('0'+i))})
			}
			app := func(v string) map[string]string { return map[string]string{"app": v} }
			spec.Objects = cluster.Objects{
				PDB: cluster.Object{Name: "bini-budget"}, InitJob: cluster.Object{Name: "cluster-init", Labels: app("bini-init")},
				ConfigMap: cluster.Object{Name: "bini-config"}, NetworkPolicy: cluster.Object{Name: "bini-policy"},
				ServiceAccount: cluster.Object{Name: "bini-sa"}, Role: cluster.Object{Name: "bini-role"},
				RoleBinding: cluster.Object{Name: "bini-binding"},
			}
			spec.Network.ServiceName = "bini"
			spec.Network.ServiceLabels = app("bini-headless")
			spec.Network.Client.Name, spec.Network.Client.Labels = "bini-public", app("bini-public")
			kvSpec.ServiceLabels = app("zk-headless")
		}
		var err error
		if pool, err = NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: poolSpec}); err != nil {
			return err
		}
		if db, err = NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
			Spec: spec, Image: pulumi.String(dbImage), Pool: pool,
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
		}); err != nil {
			return err
		}
		kv, err = NewHeadlessNetwork(ctx, "kv", &HeadlessNetworkArgs{Spec: kvSpec})
		return err
	}
	return run, func() (*LocalVolumePool, *DatabaseCluster, *HeadlessNetwork) { return pool, db, kv }
}

// TestNamedObjectsKeepTheirURNs: naming the objects changes their
// metadata.name (and labels) only. Every URN stays the same, so an
// existing stack that sets a name sees that one object replaced, and no
// other change; the outputs report the names given.
func TestNamedObjectsKeepTheirURNs(t *testing.T) {
	defaults, _ := namedStack(false)
	named, components := namedStack(true)
	before := ordinaltest.Run(t, defaults, ordinaltest.WithProject("shop"), ordinaltest.WithStack("prod"))
	after := ordinaltest.Run(t, named, ordinaltest.WithProject("shop"), ordinaltest.WithStack("prod"))
	var urnsBefore, urnsAfter []string
	for _, r := range before.Resources() {
		urnsBefore = append(urnsBefore, r.URN)
	}
	for _, r := range after.Resources() {
		urnsAfter = append(urnsAfter, r.URN)
	}
	require.ElementsMatch(t, urnsBefore, urnsAfter)

	pvs := []string{
		localpv.VolumeName("disks", localpv.Volume{Node: "node-a", Path: "/mnt/disks/ssd0"}),
		localpv.VolumeName("disks", localpv.Volume{Node: "node-b", Path: "/mnt/disks/ssd0"}),
		localpv.VolumeName("disks", localpv.Volume{Node: "node-c", Path: "/mnt/disks/ssd0"}),
	}
	for _, tt := range []struct{ typ, name, before, after string }{
		{kubetypes.PersistentVolume, pvs[0], pvs[0], "pv-bini-0"},
		{kubetypes.PersistentVolume, pvs[1], pvs[1], "pv-bini-1"},
		{kubetypes.PersistentVolume, pvs[2], pvs[2], "pv-bini-2"},
		{kubetypes.PodDisruptionBudget, "db-pdb", "db", "bini-budget"},
		{kubetypes.Job, "db-init", "db-init", "cluster-init"},
		{kubetypes.NetworkPolicy, "db-netpol", "db", "bini-policy"},
		{kubetypes.ServiceAccount, "db-sa", "db", "bini-sa"},
		{kubetypes.Role, "db-role", "db", "bini-role"},
		{kubetypes.RoleBinding, "db-rolebinding", "db", "bini-binding"},
		{kubetypes.Service, "db-network-headless", "db", "bini"},
		{kubetypes.Service, "db-network-client", "db-public", "bini-public"},
		{kubetypes.StatefulSet, "db-statefulset", "db", "db"},
		{kubetypes.Service, "kv-headless", "kv", "kv"},
	} {
		assert.Equal(t, tt.before, before.Find(t, tt.typ, tt.name).Get(t, "metadata.name"), "%s %s without names", tt.typ, tt.name)
		assert.Equal(t, tt.after, after.Find(t, tt.typ, tt.name).Get(t, "metadata.name"), "%s %s with names", tt.typ, tt.name)
	}
	cm := after.FindPrefix(t, kubetypes.ConfigMap, "db-config-").Get(t, "metadata.name")
	assert.Regexp(t, `^bini-config-[0-9a-f]{10}$`, cm)
	sts := after.Find(t, kubetypes.StatefulSet, "db-statefulset")
	assert.Equal(t, "bini-sa", sts.Get(t, "spec.template.spec.serviceAccountName"))
	assert.Equal(t, "bini", sts.Get(t, "spec.serviceName"))
	rb := after.Find(t, kubetypes.RoleBinding, "db-rolebinding")
	assert.Equal(t, "bini-role", rb.Get(t, "roleRef.name"))
	assert.Equal(t, "bini-sa", rb.Get(t, "subjects[0].name"))
	for _, tt := range []struct{ typ, name, app string }{
		{kubetypes.Service, "db-network-headless", "bini-headless"},
		{kubetypes.Service, "db-network-client", "bini-public"},
		{kubetypes.Job, "db-init", "bini-init"},
		{kubetypes.Service, "kv-headless", "zk-headless"},
	} {
		assert.Equal(t, tt.app, after.Find(t, tt.typ, tt.name).Get(t, `metadata.labels["app"]`), "%s %s", tt.typ, tt.name)
	}

	pool, db, kv := components()
	assert.Equal(t, []string{"pv-bini-0", "pv-bini-1", "pv-bini-2"}, ordinaltest.Await[[]string](t, pool.VolumeNames))
	assert.Equal(t, "bini-budget", ordinaltest.Await[string](t, db.PDBName))
	assert.Equal(t, "cluster-init", ordinaltest.Await[string](t, db.InitJobName))
	assert.Equal(t, "bini", ordinaltest.Await[string](t, db.ServiceName))
	assert.Equal(t, "kv", ordinaltest.Await[string](t, kv.ServiceName))
	state := db.stateOutputs(pulumi.String("prod"))
	assert.Equal(t, pulumi.String("bini-budget"), state["pdbName"])
	assert.Equal(t, pulumi.String("cluster-init"), state["initJobName"])
	assert.Equal(t, pulumi.String("bini"), state["serviceName"])
}
