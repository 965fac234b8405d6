// Package zookeeper deploys the three-server ZooKeeper ensemble of the
// Kubernetes "Running ZooKeeper" tutorial with the engines.ZooKeeper
// profile, on local disks: a LocalVolumePool with one volume per node, and
// a DatabaseCluster whose servers each need a node of their own (hard
// anti-affinity on the hostname), start in parallel, keep a quorum through
// disruptions (minAvailable 2 of 3), and read a complete zoo.cfg from the
// projected config directory.
package zookeeper

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// DefaultImage is the ZooKeeper image of the local development cluster
// (Debian's ZooKeeper 3.8 with zkServer.sh on the PATH). Set config "image"
// to engines.DefaultZooKeeperImage ("zookeeper:3.8") elsewhere.
const DefaultImage = "localhost/zookeeper:1"

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Name of the ensemble; config "name", default "zk". The Services are
	// "<name>-hs" (headless) and "<name>-cs" (clients).
	Name string
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Replicas; config "replicas", default 3. Each needs its own node.
	Replicas int32
	// Nodes with a local disk; config "nodes" (comma list), default
	// node-0,node-1,node-2.
	Nodes []string
	// DiskPath on each node; config "diskPath", default /mnt/disks/ssd0.
	DiskPath string
	// DiskCapacity of each local volume; config "diskCapacity", default 20Gi.
	DiskCapacity string
	// Image; config "image", default DefaultImage.
	Image string
	// StorageSize of each server's claim; config "storageSize", default 20Gi.
	StorageSize string
	// Heap is the JVM heap; config "heap", default 512M.
	Heap string
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
	return Config{
		Name:         exampleconfig.String(cfg, "name", "zk"),
		Namespace:    exampleconfig.String(cfg, "namespace", "default"),
		Replicas:     replicas,
		Nodes:        exampleconfig.List(cfg, "nodes", exampleconfig.DefaultNodes),
		DiskPath:     exampleconfig.String(cfg, "diskPath", "/mnt/disks/ssd0"),
		DiskCapacity: exampleconfig.String(cfg, "diskCapacity", "20Gi"),
		Image:        exampleconfig.String(cfg, "image", DefaultImage),
		StorageSize:  exampleconfig.String(cfg, "storageSize", "20Gi"),
		Heap:         exampleconfig.String(cfg, "heap", "512M"),
		Render:       cfg.Get(render.ConfigKey),
	}, nil
}

// Stack is what Deploy created.
type Stack struct {
	Pool    *components.LocalVolumePool
	Cluster *components.DatabaseCluster
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
}

// Deploy creates the pool and the ensemble described by c.
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
	spec := engines.ZooKeeper(c.Name, engines.ZooKeeperOptions{
		Replicas:    c.Replicas,
		Image:       c.Image,
		StorageSize: c.StorageSize,
		Heap:        c.Heap,
	})
	zk, err := components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
		Namespace: pulumi.String(c.Namespace),
		Spec:      spec,
		Pool:      pool,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Stack{Pool: pool, Cluster: zk, Outputs: pulumi.Map{
		"podFqdns":         zk.PodFQDNs,
		"clientEndpoints":  zk.ClientEndpoints,
		"ensemble":         pulumi.String(engines.ZooKeeperEnsemble(c.Name, spec.Network.ServiceName, spec.Replicas)),
		"statefulSetName":  zk.StatefulSetName,
		"serviceName":      zk.ServiceName,
		"pdbName":          zk.PDBName,
		"configChecksum":   zk.ConfigChecksum,
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
