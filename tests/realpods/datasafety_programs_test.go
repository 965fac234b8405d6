//go:build e2e

package realpods

import (
	"cmp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/examples/etcd"
	"github.com/ordinal-dev/ordinal/examples/mysql"
	"github.com/ordinal-dev/ordinal/examples/zookeeper"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// safetyConfig is what the data-safety programs read from the stack's
// config: the examples' keys (namespace, name, diskPath, image) and the
// knobs the operations turn: "replicas" (spec.replicas), "extraArgs" (space-separated server flags: a
// change rolls every pod), "claimLabel" ("key=value" on the data claim
// template: a change replaces the StatefulSet), "claimSize" (a larger one
// grows the claims) and "partition". With "storageClass" the claims use
// that class (made by the test, expandableDisks) instead of a pool; with
// "nodeGroup" the pods and Jobs run on that node group only.
type safetyConfig struct {
	Name, Namespace, DiskPath, Image string
	ExtraArgs                        []string
	Password                         pulumi.StringOutput
	// Replicas is "replicas", 0 when unset (the profile's default).
	Replicas int32
}

// safetySpec builds an engine's spec from the config; secret is the
// generated Secret's data (nil for none).
type safetySpec func(c safetyConfig) (spec cluster.Spec, secret map[string]pulumi.StringInput)

// etcdSafetySpec is examples/etcd's cluster of three members ("replicas"
// scales it). Five members on three nodes need the soft anti-affinity.
func etcdSafetySpec(c safetyConfig) (cluster.Spec, map[string]pulumi.StringInput) {
	spec := engines.Etcd(c.Name, engines.EtcdOptions{
		Image: cmp.Or(c.Image, etcd.DefaultImage), ToolsImage: etcd.DefaultToolsImage,
		StorageSize: "1Gi", ExtraArgs: c.ExtraArgs,
	})
	spec.Scheduling.AntiAffinity = cluster.AntiAffinitySoft
	return spec, nil
}

// zooKeeperSafetySpec is examples/zookeeper's ensemble of three servers
// ("replicas" sizes it and its server list; "extraArgs" are zoo.cfg
// settings, "key=value" each). Five servers on three nodes need the soft
// anti-affinity.
func zooKeeperSafetySpec(c safetyConfig) (cluster.Spec, map[string]pulumi.StringInput) {
	settings := map[string]string{}
	for _, kv := range c.ExtraArgs {
		k, v, _ := strings.Cut(kv, "=")
		settings[k] = v
	}
	spec := engines.ZooKeeper(c.Name, engines.ZooKeeperOptions{
		Replicas: c.Replicas, Image: cmp.Or(c.Image, zookeeper.DefaultImage), StorageSize: "1Gi", Heap: "256M",
		Settings: settings,
	})
	spec.Scheduling.AntiAffinity = cluster.AntiAffinitySoft
	return spec, nil
}

// mariadbSafetySpec is examples/mysql's server with database "app".
func mariadbSafetySpec(c safetyConfig) (cluster.Spec, map[string]pulumi.StringInput) {
	return engines.MySQL(c.Name, engines.MySQLOptions{
		Image: cmp.Or(c.Image, mysql.DefaultImage), StorageSize: "1Gi", Database: "app", ExtraArgs: c.ExtraArgs,
	}), map[string]pulumi.StringInput{engines.MySQLRootPasswordKey: c.Password}
}

// safetyProgram deploys a local volume pool on the three real nodes and
// the cluster build makes, with the knobs applied.
func safetyProgram(build safetySpec) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		c := safetyConfig{
			Name:      cfg.Require("name"),
			Namespace: cfg.Require("namespace"),
			DiskPath:  cfg.Require("diskPath"),
			Image:     cfg.Get("image"),
			ExtraArgs: strings.Fields(cfg.Get("extraArgs")),
			Password:  cfg.GetSecret("password"),
			Replicas:  int32(cfg.GetInt("replicas")),
		}
		var pool *components.LocalVolumePool
		var class pulumi.StringInput
		if sc := cfg.Get("storageClass"); sc != "" {
			class = pulumi.String(sc)
		} else {
			var err error
			pool, err = components.NewLocalVolumePool(ctx, c.Name+"-disks", &components.LocalVolumePoolArgs{
				Spec: localpv.Spec{Nodes: []string{"node-0", "node-1", "node-2"}, Path: c.DiskPath, Capacity: "1Gi"},
			})
			if err != nil {
				return err
			}
		}
		spec, secret := build(c)
		if k, v, ok := strings.Cut(cfg.Get("claimLabel"), "="); ok {
			spec.Claims[0].Labels = map[string]string{k: v}
		}
		if size := cfg.Get("claimSize"); size != "" {
			spec.Claims[0].Size = size
		}
		if n := cfg.Get("replicas"); n != "" {
			spec.Replicas = int32(cfg.GetInt("replicas"))
		}
		spec.UpdateStrategy.Partition = int32(cfg.GetInt("partition"))
		if g := cfg.Get("nodeGroup"); g != "" {
			onGroup := map[string]string{nodeGroupLabel: g}
			tolerate := []corev1.Toleration{{Key: nodeGroupLabel, Operator: corev1.TolerationOpEqual, Value: g,
				Effect: corev1.TaintEffectNoSchedule}}
			spec.Scheduling.NodeSelector, spec.Scheduling.Tolerations = onGroup, tolerate
			if spec.Init != nil {
				spec.Init.NodeSelector, spec.Init.Tolerations = onGroup, tolerate
			}
			if spec.Membership != nil {
				spec.Membership.NodeSelector, spec.Membership.Tolerations = onGroup, tolerate
			}
		}
		_, err := components.NewDatabaseCluster(ctx, c.Name, &components.DatabaseClusterArgs{
			Namespace: pulumi.String(c.Namespace), Spec: spec, Pool: pool, StorageClassName: class, SecretData: secret,
		})
		return err
	}
}
