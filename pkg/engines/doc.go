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
//   - Etcd: an etcd cluster of voting peers on a distroless image: pod 0
//     founds it from the generated ConfigMap's ETCD_INITIAL_* env vars,
//     the others add themselves, and a scale-down removes members first
//     (the membership Job); the start script runs under a busybox copied
//     in by a "tools" init container.
//
// # Containers, ports, config files and claims
//
// Every name a profile gives, one per row. The container names are the
// keys of components.DatabaseClusterArgs.Images and what image patches
// (e.g. a strategic merge patch of spec.template.spec.containers) match on;
// "job" is the container of the init Job, whose image is overridden under
// the same name (cluster.InitContainerName); "members" is the container
// of the membership Job (cluster.MembershipJob), named the same. Etcd
// alone has an init container ("tools"). A port's role is its Client and
// Peer flags (network.Port):
// every port is on the headless Service; client ports are also on the
// client Service (and open to clients under a NetworkPolicy); peer ports
// are those the members use among themselves (PeerList names the first);
// "none" is neither. "config" is
// the projected config directory (volume name and mount path) and "file" a
// file in it, from the generated ConfigMap (Config.Data, the Key
// constants), from the generated Secret (SecretData) or from a Secret of
// the user's. "claim" is a volumeClaimTemplate and where the database
// container mounts it. The rows include what options add: the TLS
// certificates of Cockroach (with a ClientSecret) and the init Job of
// MySQL (MySQLOptions.Database). The README has the same facts, one row
// per profile; TestDocTable and TestReadmeTable plan every profile and
// fail when either table and the profiles disagree.
//
//	profile    kind       name                           value                       notes
//	Cockroach  image      cockroachdb/cockroach:v24.3.6                              DefaultCockroachImage
//	Cockroach  container  db                                                         the node, in every pod
//	Cockroach  job        init                                                       cockroach init, retried until pod 0 answers
//	Cockroach  members    init                                                       the membership Job: cockroach node decommission
//	Cockroach  port       grpc                           26257 client+peer           SQL and inter-node gRPC
//	Cockroach  port       http                           8080 client                 admin UI, /health
//	Cockroach  claim      datadir                        /cockroach/cockroach-data   the store; 10Gi
//	Cockroach  config     certs                          /cockroach/cockroach-certs  TLS only; mode 0400; also in the init Job
//	Cockroach  file       ca.crt                                                     TLS.NodeSecret, key CAKey (ca.crt)
//	Cockroach  file       node.crt                                                   TLS.NodeSecret, key CertKey (tls.crt)
//	Cockroach  file       node.key                                                   TLS.NodeSecret, key KeyKey (tls.key)
//	Cockroach  file       client.root.crt                                            TLS.ClientSecret, key ClientCertKey (tls.crt); optional
//	Cockroach  file       client.root.key                                            TLS.ClientSecret, key ClientKeyKey (tls.key); optional
//	ZooKeeper  image      zookeeper:3.8                                              DefaultZooKeeperImage
//	ZooKeeper  container  zookeeper                                                  the server, in every pod
//	ZooKeeper  members    init                                                       the membership Job: refuses unsafe steps
//	ZooKeeper  port       client                         2181 client                 clients, srvr/ruok probes
//	ZooKeeper  port       server                         2888 peer                   followers to the leader
//	ZooKeeper  port       leader-election                3888 peer                   leader election
//	ZooKeeper  claim      datadir                        /var/lib/zookeeper          dataDir is its data subdirectory; 20Gi
//	ZooKeeper  config     config                         /etc/ordinal/zookeeper      the server's ZOOCFGDIR
//	ZooKeeper  file       zoo.cfg                                                    ZooKeeperKeyConfig: the whole configuration
//	ZooKeeper  file       jvm.heap                                                   ZooKeeperKeyHeap; also env ZK_HEAP_SIZE
//	ZooKeeper  file       logback.xml                                                ZooKeeperKeyLogback
//	ZooKeeper  file       log4j.properties                                           ZooKeeperKeyLog4j
//	MySQL      image      mariadb:10.11                                              DefaultMySQLImage
//	MySQL      container  mysql                                                      the server (mariadbd), one pod
//	MySQL      job        init                                                       only with Database: creates that database
//	MySQL      port       mysql                          3306 client                 clients, SELECT 1 readiness
//	MySQL      claim      datadir                        /var/lib/mysql              datadir data/, socket and pid file run/; 10Gi
//	MySQL      config     config                         /etc/ordinal/mysql          also in the init Job (with Database)
//	MySQL      file       mysql-root-password                                        SecretData key MySQLRootPasswordKey, required; mode 0440
//	Etcd       image      quay.io/coreos/etcd:v3.6.16                                DefaultEtcdImage
//	Etcd       init-container  tools                                                 copies busybox into the pod (the image has no shell)
//	Etcd       container  etcd                                                       the member, in every pod; its start script joins
//	Etcd       members    init                                                       the membership Job: etcdctl member remove
//	Etcd       port       client                         2379 client                 clients, /readyz
//	Etcd       port       peer                           2380 peer                   raft between members
//	Etcd       port       metrics                        2381 none                   /livez, /metrics
//	Etcd       claim      datadir                        /var/lib/etcd               --data-dir is its data subdirectory; 1Gi
//	Etcd       config     config                         /etc/ordinal/etcd           its files are also env vars
//	Etcd       file       ETCD_INITIAL_CLUSTER                                       EtcdKeyInitialCluster: every member's peer URL
//	Etcd       file       ETCD_INITIAL_CLUSTER_TOKEN                                 EtcdKeyInitialClusterToken: the cluster's name
//	Etcd       file       ETCD_INITIAL_CLUSTER_STATE                                 EtcdKeyInitialClusterState: new
//
// Every profile names its data claim DataClaimName ("datadir"). ZooKeeper,
// MySQL and Etcd keep the database's files in its "data" subdirectory, so
// that the lost+found at the root of a real disk is never mistaken for
// data. The ports are the Port constants (CockroachPortGRPC,
// ZooKeeperPortClient, ...; the numbers are CockroachGRPCPort, ...).
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
//   - Etcd: never. Members join and leave through their start script and
//     the membership Job (below); the generated ConfigMap names the
//     founding member alone.
//   - ZooKeeper: deliberately. zoo.cfg lists every server (static
//     membership), so a new size is a new generated ConfigMap, whose
//     content-hash name and checksum annotation are in the pod template:
//     every server restarts, one at a time, with the new ensemble.
//
// TestScalingKeepsThePodTemplate holds every profile to exactly this.
//
// # Members joining and leaving
//
// A lower replica count deletes the highest ordinals' pods (their claims
// stay: see cluster.ClaimRetention); a higher one starts new pods on new
// claims, or on the claims such pods left. What happens to the database's
// membership, per profile:
//
//   - Etcd: carried out by `up`. Before the StatefulSet loses a pod, the
//     membership Job (cluster.MembershipJob, "<name>-members-<replicas>")
//     removes the departing members, highest ordinal first, with
//     `etcdctl member remove`, and waits until the member list confirms
//     each removal; the StatefulSet depends on it, so `up` shrinks it only
//     then. The Job refuses (and `up` fails, the StatefulSet untouched)
//     when a member that stays does not answer, or when etcd refuses the
//     removal; after a fix, the next `up` runs it again. A new member adds
//     itself from its start script (`etcdctl member add`, retried: etcd
//     takes one unstarted member at a time) and starts with the member
//     list as its initial cluster. A pod that comes back on the claim of
//     a removed member keeps that data as "data.removed-<time>" and joins
//     anew. See etcd_membership.go for the whole contract.
//   - ZooKeeper: static membership; the rolling restart with the new
//     zoo.cfg is the join and the leave (each server restarts knowing the
//     new ensemble). Dynamic reconfig is off. The membership Job lets a
//     change through only when it is safe: every server that stays
//     serves, a scale-down from C keeps at least C/2+1 servers, a
//     scale-up from C goes to at most 2·C; otherwise `up` fails, the
//     StatefulSet untouched, naming the size to go to first. See
//     zookeeper_membership.go for the contract. A restarted server waits
//     until its name resolves to its new address before it starts (see
//     ZooKeeper).
//   - Cockroach: a new node joins through the --join list by itself.
//     Before the StatefulSet loses a pod, the membership Job decommissions
//     the departing nodes (`cockroach node decommission <ids>
//     --wait=all`, highest ordinal first, in one call) and checks that
//     CockroachDB reports each one decommissioned; it refuses to leave
//     fewer live nodes than CockroachOptions.MinNodes (the replication
//     factor, 3) or to go on while a node that stays is down. A pod that
//     comes back on a decommissioned node's claim does not start: delete
//     that claim before scaling up again. See cockroach_membership.go;
//     tested against a fake cockroach binary only (no CockroachDB binary
//     runs in this project's test clusters).
//   - MySQL: one instance; there is no other member to join or leave, and
//     replicas cannot go below 1 (spec.replicas).
//
// tests/realpods' data-safety suite records what each operation does to
// the members (RELIABILITY.md).
//
// Profiles never reach a cluster and hold no Pulumi types, so they can be
// unit tested and rendered to YAML (see package render) without Pulumi.
package engines
