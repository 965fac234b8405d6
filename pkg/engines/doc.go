// Package engines holds engine profiles: functions that fill in everything a
// particular database needs in a cluster.Spec (image and version, named
// ports, the command built from the pods' stable host names, probes, the
// data claim, the init Job, the PodDisruptionBudget, pod management and
// security ids).
//
// Three profiles are provided:
//
//   - Cockroach: a CockroachDB-style SQL cluster (also KaiwuDB and other
//     `cockroach start --join` descendants, via CockroachOptions.Binary):
//     Parallel pod management, a public client Service, a `cockroach init`
//     Job that retries until pod 0 answers and treats "already initialized"
//     as success, PDB maxUnavailable 1, and an optional TLS mode that
//     projects node certificates from a user Secret with mode 0400.
//   - ZooKeeper: the Kubernetes "zk" tutorial ensemble: settings in the
//     generated ConfigMap (delivered as env vars and as files), myid derived
//     from the pod ordinal, hard anti-affinity and a quorum PDB.
//   - MySQL: a single instance whose root password comes from the
//     component's generated Secret, never from a literal value.
//
// # Overriding a profile
//
// A profile returns a plain cluster.Spec that the caller owns: change any
// field before passing it to cluster.New or components.NewDatabaseCluster.
// For example, add resources to the database container, relax the
// anti-affinity, or edit a ZooKeeper setting:
//
//	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
//	spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")}
//	spec.Scheduling.AntiAffinity = cluster.AntiAffinitySoft
//	spec.Config.Data[engines.ZooKeeperKeySnapRetain] = "5"
//
// Values that are baked into the command (the replica count of the join or
// ensemble list, the governing Service's name, the ports) must be changed
// through the profile's options instead, so that the command and the
// objects stay consistent: call the profile again with new options rather
// than editing spec.Replicas, spec.Network.ServiceName or spec.Ports.
//
// Profiles never reach a cluster and hold no Pulumi types, so they can be
// unit tested and rendered to YAML (see package render) without Pulumi.
package engines
