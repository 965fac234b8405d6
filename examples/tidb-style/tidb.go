// Package tidbstyle deploys a TiDB-shaped topology: three DatabaseClusters
// wired together, as TiDB's operator lays them out.
//
//   - pd: the placement driver, a 3-member Raft quorum (like etcd) on local
//     disks. Its pods' DNS names form its --initial-cluster.
//   - tikv: the storage group, on OpenKruise's Advanced StatefulSet, so
//     that a store whose node failed for good can be left out by its
//     ordinal (config tikvReserve) instead of renumbering the others, and
//     a new image restarts the container in place. It finds PD by the pd
//     cluster's pod DNS names.
//   - tidb: the stateless SQL group, which finds PD the same way, behind
//     a client Service.
//
// The OpenKruise controller must run in the cluster (its CRD serves
// apps.kruise.io/v1beta1 StatefulSet); see the README.
package tidbstyle

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// Ports of the three components.
const (
	PDClientPort   = 2379
	PDPeerPort     = 2380
	TiKVPort       = 20160
	TiKVStatusPort = 20180
	TiDBPort       = 4000
	TiDBStatusPort = 10080
)

// Stack is what Deploy created.
type Stack struct {
	PDDisks, TiKVDisks *components.LocalVolumePool
	PD, TiKV, TiDB     *components.DatabaseCluster
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
}

// Deploy creates the pools and the three clusters described by c.
func Deploy(ctx *pulumi.Context, c Config) (*Stack, error) {
	opts, err := render.Options(ctx, c.Render)
	if err != nil {
		return nil, err
	}
	s := &Stack{}
	pdName, tikvName, tidbName := c.Prefix+"pd", c.Prefix+"tikv", c.Prefix+"tidb"
	pdNodes := c.Nodes[:min(len(c.Nodes), 3)]
	if s.PDDisks, err = components.NewLocalVolumePool(ctx, pdName+"-disks", &components.LocalVolumePoolArgs{
		Spec: localpv.Spec{Nodes: pdNodes, Path: c.DiskPath + "/pd", Capacity: "10Gi"},
	}, opts...); err != nil {
		return nil, err
	}
	if s.TiKVDisks, err = components.NewLocalVolumePool(ctx, tikvName+"-disks", &components.LocalVolumePoolArgs{
		Spec: localpv.Spec{Nodes: c.Nodes, Path: c.DiskPath + "/tikv", Capacity: "100Gi"},
	}, opts...); err != nil {
		return nil, err
	}
	ns := pulumi.String(c.Namespace)
	if s.PD, err = components.NewDatabaseCluster(ctx, pdName, &components.DatabaseClusterArgs{
		Namespace: ns, Spec: pdSpec(pdName, c), Pool: s.PDDisks,
	}, opts...); err != nil {
		return nil, err
	}
	// The storage and SQL groups find PD by the names its pods will have:
	// the values of its podFqdns output, known when the program runs. They
	// need no ordering: TiKV and TiDB retry until PD answers.
	pd := PDEndpoints(s.PD.Plan.Network.PodFQDNs(c.Namespace))
	if s.TiKV, err = components.NewDatabaseCluster(ctx, tikvName, &components.DatabaseClusterArgs{
		Namespace: ns, Spec: tikvSpec(tikvName, pd, c), Pool: s.TiKVDisks,
	}, opts...); err != nil {
		return nil, err
	}
	if s.TiDB, err = components.NewDatabaseCluster(ctx, tidbName, &components.DatabaseClusterArgs{
		Namespace: ns, Spec: tidbSpec(pd, c),
	}, opts...); err != nil {
		return nil, err
	}
	s.Outputs = pulumi.Map{
		"pdEndpoints":       pulumi.String(pd),
		"pdPodFqdns":        s.PD.PodFQDNs,
		"tikvPodFqdns":      s.TiKV.PodFQDNs,
		"tikvStatefulSet":   s.TiKV.StatefulSetName,
		"tidbEndpoints":     s.TiDB.ClientEndpoints,
		"pdStorageClass":    s.PDDisks.StorageClassName,
		"tikvStorageClass":  s.TiKVDisks.StorageClassName,
		"tikvReservedCount": pulumi.Int(len(c.TiKVReserve)),
	}
	return s, nil
}

// PDEndpoints is PD's client endpoints as TiKV's --pd and TiDB's --path
// take them: "host:2379,host:2379,...".
func PDEndpoints(fqdns []string) string {
	return naming.JoinList(fqdns, PDClientPort)
}

// PDInitialCluster is PD's --initial-cluster: "<pod>=http://<fqdn>:2380,...".
func PDInitialCluster(name, namespace string, replicas int32) string {
	parts := make([]string, 0, replicas)
	for _, o := range naming.Ordinals(0, replicas) {
		parts = append(parts, naming.PodName(name, o)+"=http://"+naming.PodFQDN(name, name, namespace, "", o)+":2380")
	}
	return strings.Join(parts, ",")
}

// Program is the Pulumi program: Deploy with the stack's config, then
// export the outputs.
func Program(ctx *pulumi.Context) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	s, err := Deploy(ctx, c)
	if err != nil {
		return err
	}
	for k, v := range s.Outputs {
		ctx.Export(k, v)
	}
	return nil
}
