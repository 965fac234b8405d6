// Package etcd deploys a three-member etcd cluster with the engines.Etcd
// profile, on local disks: a LocalVolumePool with one volume per node, and
// a DatabaseCluster whose members each need a node of their own (hard
// anti-affinity on the hostname), start in parallel to form the first
// quorum, keep a quorum through disruptions (minAvailable 2 of 3), and
// bootstrap from the ETCD_INITIAL_* settings of a generated ConfigMap.
package etcd

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// DefaultImage is the etcd image of the local development cluster (etcd
// v3.6.16 on a busybox base). Set config "image" to
// engines.DefaultEtcdImage ("quay.io/coreos/etcd:v3.6.16") elsewhere.
const DefaultImage = "localhost/etcd:1"

// DefaultToolsImage gives the members' start script and the membership
// Job their shell in the local development cluster (busybox). Set config
// "toolsImage" to engines.DefaultEtcdToolsImage ("busybox:1.37")
// elsewhere.
const DefaultToolsImage = "localhost/base:1"

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Name of the cluster; config "name", default "etcd". The Services are
	// "<name>" (headless) and "<name>-client" (clients).
	Name string
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Replicas; config "replicas", default 3. Each needs its own node.
	// A change is a membership change that `up` carries out: departing
	// members are removed first, new ones add themselves (engines.Etcd).
	Replicas int32
	// Nodes with a local disk; config "nodes" (comma list), default
	// node-0,node-1,node-2.
	Nodes []string
	// DiskPath on each node; config "diskPath", default /mnt/disks/ssd0.
	DiskPath string
	// DiskCapacity of each local volume; config "diskCapacity", default
	// StorageSize (the claim fills the volume).
	DiskCapacity string
	// Image; config "image", default DefaultImage.
	Image string
	// ToolsImage; config "toolsImage", default DefaultToolsImage.
	ToolsImage string
	// StorageSize of each member's claim; config "storageSize", default 1Gi.
	StorageSize string
	// Render is a directory to write YAML to instead of deploying (package
	// components/render); config "render".
	Render string
}

// LoadConfig reads Config from the stack's config.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	replicas, err := exampleconfig.Int32(cfg, "replicas", 3)
	if err != nil {
		return Config{}, err
	}
	size := exampleconfig.String(cfg, "storageSize", "1Gi")
	return Config{
		Name:         exampleconfig.String(cfg, "name", "etcd"),
		Namespace:    exampleconfig.String(cfg, "namespace", "default"),
		Replicas:     replicas,
		Nodes:        exampleconfig.List(cfg, "nodes", exampleconfig.DefaultNodes),
		DiskPath:     exampleconfig.String(cfg, "diskPath", "/mnt/disks/ssd0"),
		DiskCapacity: exampleconfig.String(cfg, "diskCapacity", size),
		Image:        exampleconfig.String(cfg, "image", DefaultImage),
		ToolsImage:   exampleconfig.String(cfg, "toolsImage", DefaultToolsImage),
		StorageSize:  size,
		Render:       cfg.Get(render.ConfigKey),
	}, nil
}

// Stack is what Deploy created.
type Stack struct {
	// Pool holds the members' local volumes.
	Pool *components.LocalVolumePool
	// Cluster is the etcd cluster.
	Cluster *components.DatabaseCluster
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
}

// Deploy creates the pool and the cluster described by c.
func Deploy(ctx *pulumi.Context, c Config) (*Stack, error) {
	opts, err := render.Options(ctx, c.Render)
	if err != nil {
		return nil, err
	}
	pool, err := components.NewLocalVolumePool(ctx, c.Name+"-disks", &components.LocalVolumePoolArgs{
		Spec: localpv.Spec{Nodes: c.Nodes, Path: c.DiskPath, Capacity: c.DiskCapacity},
	}, opts...)
	if err != nil {
		return nil, err
	}
	spec := engines.Etcd(c.Name, engines.EtcdOptions{
		Replicas:    c.Replicas,
		Image:       c.Image,
		ToolsImage:  c.ToolsImage,
		StorageSize: c.StorageSize,
	})
	db, err := components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
		Namespace: pulumi.String(c.Namespace),
		Spec:      spec,
		Pool:      pool,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Stack{Pool: pool, Cluster: db, Outputs: pulumi.Map{
		"podFqdns":         db.PodFQDNs,
		"clientEndpoints":  db.ClientEndpoints,
		"initialCluster":   pulumi.String(spec.Config.Data[engines.EtcdKeyInitialCluster]),
		"peerList":         db.PeerList,
		"statefulSetName":  db.StatefulSetName,
		"serviceName":      db.ServiceName,
		"pdbName":          db.PDBName,
		"configChecksum":   db.ConfigChecksum,
		"storageClassName": pool.StorageClassName,
		"volumeNames":      pool.VolumeNames,
	}}, nil
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
