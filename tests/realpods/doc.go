// Package realpods is the end-to-end suite on real pods (build tag e2e):
// a local cluster with nine real nodes (kubelet + containerd each, CoreDNS,
// kube-proxy; scripts/cluster.sh with ORDINAL_REAL_NODES=9), images built
// from Debian packages (scripts/images.sh), every runnable example deployed
// through the real Pulumi engine into a namespace that enforces Pod Security
// "restricted", and every check made from inside the cluster: the
// database's own client, DNS from a pod, files in the projected directory
// and on the local volume's host directory.
//
// The data-safety suite (datasafety_*_test.go) runs day-2 operations and
// faults in sequence on etcd, ZooKeeper and MariaDB: before each it writes records
// through the database's own client, after it reads every record back and
// asks the members who they are; RELIABILITY.md's table is its report.
// The tests run side by side, each on a node group of three nodes
// (nodegroups_test.go): the examples and then the MariaDB suite on
// node-0..2, one at a time; the etcd suite on node-3..5; the ZooKeeper
// suite on node-6..8.
//
// TestMain also proves the cluster leaves nothing on the machine: it
// captures the host's state (links, iptables, mounts, cgroups, netns,
// sysctls, mount-point directories) before anything starts, then starts a
// cluster in a child process that it SIGKILLs (the guardian must clean up
// after it), and stops the suite's own cluster at the end: both times the
// state must be as before and `scripts/cluster.sh leftovers` empty.
package realpods
