package tidbstyle

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// The images of TiDB's three components (PingCAP's public images).
const (
	DefaultPDImage   = "pingcap/pd:v8.5.1"
	DefaultTiKVImage = "pingcap/tikv:v8.5.1"
	DefaultTiDBImage = "pingcap/tidb:v8.5.1"
)

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Prefix of the three clusters' names ("<prefix>pd", "<prefix>tikv",
	// "<prefix>tidb"); config "prefix", default "".
	Prefix string
	// Nodes with local disks; config "nodes" (comma list), default
	// node-0..node-4. PD takes a disk on the first three, TiKV one on each.
	Nodes []string
	// DiskPath is the directory of the disks on each node; config
	// "diskPath", default /mnt/disks/tidb. PD's disk is <diskPath>/pd,
	// TiKV's <diskPath>/tikv.
	DiskPath string
	// PDReplicas, TiKVReplicas and TiDBReplicas; config "pdReplicas"
	// (3), "tikvReplicas" (4), "tidbReplicas" (2).
	PDReplicas, TiKVReplicas, TiDBReplicas int32
	// TiKVReserve are the TiKV ordinals that get no pod; config
	// "tikvReserve" (comma list), default none. Reserving the ordinal of a
	// failed store's pod replaces it with a pod at a new ordinal; its
	// claim is kept.
	TiKVReserve []int32
	// TiKVPartition holds the stores with the lowest ordinals on the old
	// revision: the TiKVPartition lowest stay, the others are updated;
	// config "tikvPartition", default 0. Lower it step by step for a
	// phased upgrade.
	TiKVPartition int32
	// TiKVLogLevel is TiKV's --log-level; config "tikvLogLevel", default
	// info. Changing it changes the pod template beyond the image: with
	// InPlaceOnly, OpenKruise refuses it.
	TiKVLogLevel string
	// TiKVPodUpdatePolicy; config "tikvPodUpdatePolicy", default
	// InPlaceIfPossible: an image change restarts TiKV's container in its
	// pod, which keeps its node, IP and volume.
	TiKVPodUpdatePolicy cluster.PodUpdatePolicy
	// PDImage, TiKVImage, TiDBImage; config "pdImage", "tikvImage",
	// "tidbImage".
	PDImage, TiKVImage, TiDBImage string
	// Render is a directory to write YAML to instead of deploying (package
	// components/render); config "render".
	Render string
}

// DefaultNodes are five nodes of the local cluster (scripts/cluster.sh
// starts five kwok nodes).
var DefaultNodes = []string{"node-0", "node-1", "node-2", "node-3", "node-4"}

// LoadConfig reads Config from the stack's config.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	c := Config{
		Namespace:           exampleconfig.String(cfg, "namespace", "default"),
		Prefix:              cfg.Get("prefix"),
		Nodes:               exampleconfig.List(cfg, "nodes", DefaultNodes),
		DiskPath:            exampleconfig.String(cfg, "diskPath", "/mnt/disks/tidb"),
		TiKVPodUpdatePolicy: cluster.PodUpdatePolicy(exampleconfig.String(cfg, "tikvPodUpdatePolicy", string(cluster.PodUpdateInPlaceIfPossible))),
		TiKVLogLevel:        exampleconfig.String(cfg, "tikvLogLevel", "info"),
		PDImage:             exampleconfig.String(cfg, "pdImage", DefaultPDImage),
		TiKVImage:           exampleconfig.String(cfg, "tikvImage", DefaultTiKVImage),
		TiDBImage:           exampleconfig.String(cfg, "tidbImage", DefaultTiDBImage),
		Render:              cfg.Get(render.ConfigKey),
	}
	var err error
	for _, n := range []struct {
		key string
		def int32
		dst *int32
	}{{"pdReplicas", 3, &c.PDReplicas}, {"tikvReplicas", 4, &c.TiKVReplicas}, {"tidbReplicas", 2, &c.TiDBReplicas}, {"tikvPartition", 0, &c.TiKVPartition}} {
		if *n.dst, err = exampleconfig.Int32(cfg, n.key, n.def); err != nil {
			return Config{}, err
		}
	}
	for _, s := range exampleconfig.List(cfg, "tikvReserve", nil) {
		o, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return Config{}, fmt.Errorf("config %q: %q is not an ordinal", "tikvReserve", s)
		}
		c.TiKVReserve = append(c.TiKVReserve, int32(o))
	}
	return c, nil
}
