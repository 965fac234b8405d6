// Package engines holds engine profiles: functions that fill in everything a
// particular database needs in a cluster.Spec (image and version, named
// ports, the command built from the pods' stable host names, probes, the
// data claim, the init Job, the PodDisruptionBudget, pod management and
// security ids).
//
// Four profiles are provided. The image is a setting of each (Options.Image,
// or components.DatabaseClusterArgs.Image at deploy time); the defaults are
// public images, and every profile except Cockroach also runs the local
// images of this project's development cluster (localhost/zookeeper,
// localhost/mariadb, localhost/etcd), which the examples default to.
//
//   - Cockroach: a CockroachDB-style SQL cluster (also KaiwuDB and other
//     `cockroach start --join` descendants, via CockroachOptions.Binary):
//     Parallel pod management, a public client Service, a `cockroach init`
//     Job that retries until pod 0 answers and treats "already initialized"
//     as success, PDB maxUnavailable 1, and an optional TLS mode that
//     projects node certificates from a user Secret with mode 0400. It is
//     not runnable in the local development cluster: no CockroachDB binary
//     can be built or fetched there.
//   - ZooKeeper: an ensemble configured by a complete zoo.cfg in the
//     projected config directory (ZOOCFGDIR), myid derived from the pod
//     ordinal, four-letter-word probes, Parallel pod management, hard
//     anti-affinity and the default PDB (a quorum; maxUnavailable 1 for
//     1 or 2 servers).
//   - MySQL: a single MariaDB instance that initializes its data directory
//     itself and whose root password comes from the component's generated
//     Secret as a projected file, never from a literal value.
//   - Etcd: an etcd cluster of voting peers, bootstrapped together from
//     the generated ConfigMap's ETCD_INITIAL_* env vars, on a distroless
//     image (plain arguments, no shell).
//
// # Containers, ports and config keys
//
//	profile    container  ports (name number role)                  generated ConfigMap keys, secret keys (projected dir)
//	Cockroach  db         grpc 26257 client+peer, http 8080 client   none; TLS mode projects certificates (/cockroach/cockroach-certs)
//	ZooKeeper  zookeeper  client 2181 client, server 2888 peer,      zoo.cfg, jvm.heap, logback.xml, log4j.properties
//	                      leader-election 3888 peer                  (/etc/ordinal/zookeeper, the ZOOCFGDIR)
//	MySQL      mysql      mysql 3306 client                          none; Secret key mysql-root-password, required
//	                                                                 (/etc/ordinal/mysql, mode 0440)
//	Etcd       etcd       client 2379 client, peer 2380 peer,        ETCD_INITIAL_CLUSTER, ETCD_INITIAL_CLUSTER_TOKEN,
//	                      metrics 2381                               ETCD_INITIAL_CLUSTER_STATE, also env vars (/etc/ordinal/etcd)
//
// Every profile names its data claim DataClaimName ("datadir"). ZooKeeper,
// MySQL and Etcd keep the database's files in its "data" subdirectory, so
// that the lost+found at the root of a real disk is never mistaken for
// data. The
// ConfigMap keys are the profiles' Key constants (ZooKeeperKeyConfig,
// EtcdKeyInitialCluster, ...); the ports are the Port constants.
//
// # Overriding a profile
//
// A profile returns a plain cluster.Spec that the caller owns: change any
// field before passing it to cluster.New or components.NewDatabaseCluster.
// For example, add resources to the database container, relax the
// anti-affinity, or change the heap:
//
//	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{Settings: map[string]string{"autopurge.snapRetainCount": "5"}})
//	spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")}
//	spec.Scheduling.AntiAffinity = cluster.AntiAffinitySoft
//	spec.Config.Data[engines.ZooKeeperKeyHeap] = "1G"
//
// Values that are baked into the command or the generated configuration
// (the replica count of the ensemble or initial cluster, the governing
// Service's name, the ports, zoo.cfg settings) must be changed through the
// profile's options instead, so that the command and the objects stay
// consistent: call the profile again with new options rather than editing
// spec.Replicas, spec.Network.ServiceName or spec.Ports.
//
// # Scaling
//
// A change of a profile's replicas touches the pod template, and so
// restarts the running pods, only where the database itself must learn
// the new membership:
//
//   - Cockroach: never. Its --join list is always pods 0-2 (see
//     CockroachJoinList); only the StatefulSet's replicas change.
//   - MySQL: a single instance; its template does not depend on the
//     replica count either.
//   - ZooKeeper: deliberately. zoo.cfg lists every server (static
//     membership), so a new size is a new generated ConfigMap, whose
//     content-hash name and checksum annotation are in the pod template:
//     every server restarts, one at a time, with the new ensemble.
//   - Etcd: the same mechanism (ETCD_INITIAL_CLUSTER is in the generated
//     ConfigMap), but etcd's membership is fixed at creation: do not
//     change the replicas of a running cluster (see Etcd).
//
// TestScalingKeepsThePodTemplate holds every profile to exactly this.
//
// Profiles never reach a cluster and hold no Pulumi types, so they can be
// unit tested and rendered to YAML (see package render) without Pulumi.
package engines
