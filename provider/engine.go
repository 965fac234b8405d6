package provider

import (
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// Engine chooses the engine profile that fills in a DatabaseCluster's spec,
// with that profile's options; at most one field may be set. Go programs
// call the profile function themselves (spec := engines.ZooKeeper(name,
// opts)); this is the same call for the other languages.
type Engine struct {
	// Zookeeper: an Apache ZooKeeper ensemble (engines.ZooKeeper).
	Zookeeper *engines.ZooKeeperOptions
	// Etcd: an etcd cluster (engines.Etcd).
	Etcd *engines.EtcdOptions
	// Mysql: a single-primary MySQL or MariaDB server (engines.MySQL).
	Mysql *engines.MySQLOptions
	// Cockroach: a CockroachDB-style cluster (engines.Cockroach).
	Cockroach *engines.CockroachOptions
}

// profile is the spec of the chosen engine for the cluster name, and the
// schema names of the fields set: none when no engine is chosen (the spec
// is then empty), several when the input is invalid.
func (e Engine) profile(name string) (spec cluster.Spec, choice []string) {
	if e.Zookeeper != nil {
		spec, choice = engines.ZooKeeper(name, *e.Zookeeper), append(choice, "zookeeper")
	}
	if e.Etcd != nil {
		spec, choice = engines.Etcd(name, *e.Etcd), append(choice, "etcd")
	}
	if e.Mysql != nil {
		spec, choice = engines.MySQL(name, *e.Mysql), append(choice, "mysql")
	}
	if e.Cockroach != nil {
		spec, choice = engines.Cockroach(name, *e.Cockroach), append(choice, "cockroach")
	}
	return spec, choice
}
