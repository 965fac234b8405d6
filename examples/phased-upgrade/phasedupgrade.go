// Package phasedupgrade shows a rolling image upgrade held by a partition
// and moved ordinal by ordinal through stack config, the way the TiDB
// operator upgrades each of its StatefulSets (PD, then TiKV, then TiDB).
//
// The cluster is the engines.Cockroach profile on a LocalVolumePool.
// Config "image" is the target image and "partition" the lowest ordinal
// allowed to run it: the StatefulSet controller updates the pods with an
// ordinal >= partition and leaves the others on their current revision.
// Lowering the partition one step per `pulumi up` upgrades one more pod,
// and each step waits for every pod to be Ready again.
package phasedupgrade

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Name of the cluster; config "name", default "phased".
	Name string
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Replicas; config "replicas", default 3.
	Replicas int32
	// Image is the target image; config "image", default
	// engines.DefaultCockroachImage.
	Image string
	// Partition: pods with an ordinal >= Partition run Image; config
	// "partition", default 0 (all of them). Replicas holds every pod.
	Partition int32
	// Nodes with a local disk; config "nodes", default node-0,node-1,node-2.
	Nodes []string
	// DiskPath on each node; config "diskPath", default /mnt/disks/phased.
	DiskPath string
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
	partition, err := exampleconfig.Int32(cfg, "partition", 0)
	if err != nil {
		return Config{}, err
	}
	return Config{
		Name:      exampleconfig.String(cfg, "name", "phased"),
		Namespace: exampleconfig.String(cfg, "namespace", "default"),
		Replicas:  replicas,
		Image:     exampleconfig.String(cfg, "image", engines.DefaultCockroachImage),
		Partition: partition,
		Nodes:     exampleconfig.List(cfg, "nodes", exampleconfig.DefaultNodes),
		DiskPath:  exampleconfig.String(cfg, "diskPath", "/mnt/disks/phased"),
		Render:    cfg.Get(render.ConfigKey),
	}, nil
}

// UpdatedPods are the pods a partition lets onto the new revision: those
// with an ordinal >= partition, in ordinal order.
func UpdatedPods(name string, replicas, partition int32) []string {
	out := []string{}
	for _, o := range naming.Ordinals(0, replicas) {
		if o >= partition {
			out = append(out, naming.PodName(name, o))
		}
	}
	return out
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
		Spec: localpv.Spec{Nodes: c.Nodes, Path: c.DiskPath, Capacity: "10Gi"},
	}, opts...)
	if err != nil {
		return nil, err
	}
	spec := engines.Cockroach(c.Name, engines.CockroachOptions{Replicas: c.Replicas, Image: c.Image})
	// The one line a phased upgrade needs: hold pods below the partition.
	spec.UpdateStrategy.Partition = c.Partition
	db, err := components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
		Namespace: pulumi.String(c.Namespace),
		Spec:      spec,
		Pool:      pool,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Stack{Pool: pool, Cluster: db, Outputs: pulumi.Map{
		"statefulSetName": db.StatefulSetName,
		"image":           pulumi.String(c.Image),
		"partition":       pulumi.Int(int(c.Partition)),
		"updatedPods":     pulumi.ToStringArray(UpdatedPods(c.Name, c.Replicas, c.Partition)),
		"podFqdns":        db.PodFQDNs,
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
