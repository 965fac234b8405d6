// Package cockroach is the default ordinal stack: a CockroachDB-style
// cluster on local disks. It creates a LocalVolumePool (a StorageClass and
// one local PersistentVolume per node) and a DatabaseCluster from the
// engines.Cockroach profile: a StatefulSet with Parallel pod management, a
// headless Service for the pods' stable DNS names, a public client Service,
// a PodDisruptionBudget (maxUnavailable 1) and the one-time `cockroach
// init` Job.
//
// Program reads its settings from stack config (see Config); cmd/main.go
// runs it with pulumi.Run, and tests or the Automation API can run it as an
// inline program.
package cockroach

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Name of the cluster (StatefulSet and headless Service); config "name",
	// default "cockroachdb".
	Name string
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Replicas; config "replicas", default 3.
	Replicas int32
	// Nodes that hold a local disk; config "nodes" (comma list), default
	// node-0,node-1,node-2.
	Nodes []string
	// DiskPath is the disk's mount point on every node; config "diskPath",
	// default /mnt/disks/ssd0.
	DiskPath string
	// DiskCapacity of each local volume; config "diskCapacity", default 10Gi.
	DiskCapacity string
	// Image; config "image", default engines.DefaultCockroachImage.
	Image string
	// StorageSize of each node's claim; config "storageSize", default 10Gi.
	StorageSize string
	// Render is a directory: when set, `pulumi up` writes plain YAML there
	// instead of deploying (package components/render); config "render".
	Render string
}

// LoadConfig reads Config from the stack's config (the project's
// namespace, whatever the project is called).
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	replicas, err := exampleconfig.Int32(cfg, "replicas", 3)
	if err != nil {
		return Config{}, err
	}
	return Config{
		Name:         exampleconfig.String(cfg, "name", "cockroachdb"),
		Namespace:    exampleconfig.String(cfg, "namespace", "default"),
		Replicas:     replicas,
		Nodes:        exampleconfig.List(cfg, "nodes", exampleconfig.DefaultNodes),
		DiskPath:     exampleconfig.String(cfg, "diskPath", "/mnt/disks/ssd0"),
		DiskCapacity: exampleconfig.String(cfg, "diskCapacity", "10Gi"),
		Image:        exampleconfig.String(cfg, "image", engines.DefaultCockroachImage),
		StorageSize:  exampleconfig.String(cfg, "storageSize", "10Gi"),
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
	db, err := components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
		Namespace: pulumi.String(c.Namespace),
		Spec: engines.Cockroach(c.Name, engines.CockroachOptions{
			Replicas:    c.Replicas,
			Image:       c.Image,
			StorageSize: c.StorageSize,
		}),
		Pool: pool,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Stack{Pool: pool, Cluster: db, Outputs: pulumi.Map{
		"podFqdns":         db.PodFQDNs,
		"clientEndpoints":  db.ClientEndpoints,
		"peerList":         db.PeerList,
		"statefulSetName":  db.StatefulSetName,
		"serviceName":      db.ServiceName,
		"initJobName":      db.InitJobName,
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
