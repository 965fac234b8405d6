// Package mysql deploys a single MariaDB (MySQL-compatible) instance with
// the engines.MySQL profile: one replica, the root password from stack
// config delivered through the component's generated Secret (a file in
// the projected config directory, never a literal value in the pod spec),
// and a data claim in a named storage class, optionally backed by a
// LocalVolumePool.
package mysql

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// DefaultImage is the MariaDB image of the local development cluster
// (Debian's MariaDB 10.11). Set config "image" to engines.DefaultMySQLImage
// ("mariadb:10.11") elsewhere.
const DefaultImage = "localhost/mariadb:1"

// Config is the stack's configuration. Only the root password is required.
type Config struct {
	// Name of the instance (StatefulSet and Service); config "name",
	// default "mysql".
	Name string
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Image; config "image", default DefaultImage.
	Image string
	// RootPassword; secret config "mysqlRootPassword", required.
	RootPassword pulumi.StringOutput
	// StorageClass of the data claim; config "storageClass", default
	// "mysql-local". With PoolNodes it is the pool's class; without, it
	// must exist in the cluster.
	StorageClass string
	// StorageSize of the data claim; config "storageSize", default 10Gi.
	StorageSize string
	// PoolNodes, when set, creates a LocalVolumePool "<name>-disks" with one
	// volume per node; config "poolNodes" (comma list).
	PoolNodes []string
	// DiskPath and DiskCapacity of the pool's volumes; config "diskPath"
	// (default /mnt/disks/mysql) and "diskCapacity" (default 10Gi).
	DiskPath, DiskCapacity string
	// Database the one-time init Job creates; config "database", default
	// "app".
	Database string
	// Render is a directory to write YAML to instead of deploying (package
	// components/render); config "render".
	Render string
}

// LoadConfig reads Config from the stack's config. It fails the program
// when "mysqlRootPassword" is not set (`pulumi config set --secret
// mysqlRootPassword ...`).
func LoadConfig(ctx *pulumi.Context) Config {
	cfg := config.New(ctx, "")
	return Config{
		Name:         exampleconfig.String(cfg, "name", "mysql"),
		Namespace:    exampleconfig.String(cfg, "namespace", "default"),
		Image:        exampleconfig.String(cfg, "image", DefaultImage),
		RootPassword: cfg.RequireSecret("mysqlRootPassword"),
		StorageClass: exampleconfig.String(cfg, "storageClass", "mysql-local"),
		StorageSize:  exampleconfig.String(cfg, "storageSize", "10Gi"),
		PoolNodes:    exampleconfig.List(cfg, "poolNodes", nil),
		DiskPath:     exampleconfig.String(cfg, "diskPath", "/mnt/disks/mysql"),
		DiskCapacity: exampleconfig.String(cfg, "diskCapacity", "10Gi"),
		Database:     exampleconfig.String(cfg, "database", "app"),
		Render:       cfg.Get(render.ConfigKey),
	}
}

// Stack is what Deploy created.
type Stack struct {
	// Pool is nil without config "poolNodes".
	Pool    *components.LocalVolumePool
	Cluster *components.DatabaseCluster
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
}

// Deploy creates the instance (and the pool) described by c.
func Deploy(ctx *pulumi.Context, c Config) (*Stack, error) {
	opts, err := render.Options(ctx, c.Render)
	if err != nil {
		return nil, err
	}
	s := &Stack{}
	if len(c.PoolNodes) > 0 {
		if s.Pool, err = components.NewLocalVolumePool(ctx, c.Name+"-disks", &components.LocalVolumePoolArgs{
			Spec: localpv.Spec{
				StorageClassName: c.StorageClass, Nodes: c.PoolNodes, Path: c.DiskPath, Capacity: c.DiskCapacity,
			},
		}, opts...); err != nil {
			return nil, err
		}
	}
	s.Cluster, err = components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
		Namespace: pulumi.String(c.Namespace),
		Spec: engines.MySQL(c.Name, engines.MySQLOptions{
			Image:            c.Image,
			StorageSize:      c.StorageSize,
			StorageClassName: c.StorageClass,
			Database:         c.Database,
		}),
		Pool: s.Pool,
		// The only way the password reaches the pod: a key of the generated
		// Secret, projected by the profile as a file that only the server's
		// group can read.
		SecretData: map[string]pulumi.StringInput{engines.MySQLRootPasswordKey: c.RootPassword},
	}, opts...)
	if err != nil {
		return nil, err
	}
	s.Outputs = pulumi.Map{
		"podFqdns":         s.Cluster.PodFQDNs,
		"clientEndpoints":  s.Cluster.ClientEndpoints,
		"statefulSetName":  s.Cluster.StatefulSetName,
		"serviceName":      s.Cluster.ServiceName,
		"secretName":       s.Cluster.Secret.Metadata.Name().Elem(),
		"storageClassName": pulumi.String(c.StorageClass),
		"initJobName":      s.Cluster.InitJobName,
		"database":         pulumi.String(c.Database),
	}
	return s, nil
}

// Program is the Pulumi program: Deploy with the stack's config, then
// export the outputs.
func Program(ctx *pulumi.Context) error {
	s, err := Deploy(ctx, LoadConfig(ctx))
	if err != nil {
		return err
	}
	for k, v := range s.Outputs {
		ctx.Export(k, v)
	}
	return nil
}
