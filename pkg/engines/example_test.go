package engines_test

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// A three-node CockroachDB-style cluster: the profile builds the join list
// and the init Job from the pods' stable host names.
func ExampleCockroach() {
	spec := engines.Cockroach("db", engines.CockroachOptions{Replicas: 3})
	plan, err := cluster.New("db", spec, cluster.Options{})
	if err != nil {
		panic(err)
	}
	db := plan.StatefulSet.Spec.Template.Spec.Containers[0]
	fmt.Println(db.Args[1])
	fmt.Println(db.Args[2])
	fmt.Println(plan.Network.ClientService.Name, plan.PDB.Spec.MaxUnavailable.String())
	fmt.Println(plan.InitJob.Name, plan.StatefulSet.Spec.PodManagementPolicy)
	// Output:
	// --join=db-0.db:26257,db-1.db:26257,db-2.db:26257
	// --advertise-host=$(POD_NAME).db
	// db-public 1
	// db-init Parallel
}

// TLS mode projects the node certificate from an existing Secret, renamed
// to the file names CockroachDB expects.
func ExampleCockroach_tls() {
	spec := engines.Cockroach("db", engines.CockroachOptions{
		TLS: &engines.CockroachTLS{NodeSecret: "db-node-tls"},
	})
	for _, it := range spec.Config.Sources[0].Secret.Items {
		fmt.Printf("%s -> %s/%s (%#o)\n", it.Key, spec.Config.MountPath, it.Path, *it.Mode)
	}
	// Output:
	// ca.crt -> /cockroach/cockroach-certs/ca.crt (0400)
	// tls.crt -> /cockroach/cockroach-certs/node.crt (0400)
	// tls.key -> /cockroach/cockroach-certs/node.key (0400)
}

// A three-server ZooKeeper ensemble: zoo.cfg lists every server by its
// stable host name, with one setting overridden, and the resources set on
// the returned spec.
func ExampleZooKeeper() {
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{
		Settings: map[string]string{"autopurge.snapRetainCount": "5"},
	})
	spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")}
	plan, err := cluster.New("zk", spec, cluster.Options{})
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(plan.ConfigMap.Data[engines.ZooKeeperKeyConfig], "\n") {
		if strings.HasPrefix(line, "server.") || strings.HasPrefix(line, "autopurge.snap") {
			fmt.Println(line)
		}
	}
	fmt.Println("minAvailable", plan.PDB.Spec.MinAvailable.String(), plan.StatefulSet.Spec.PodManagementPolicy)
	// Output:
	// autopurge.snapRetainCount=5
	// server.1=zk-0.zk-hs:2888:3888
	// server.2=zk-1.zk-hs:2888:3888
	// server.3=zk-2.zk-hs:2888:3888
	// minAvailable 2 Parallel
}

// A single MariaDB instance: the root password is a file projected from
// the component's generated Secret, never a literal.
func ExampleMySQL() {
	spec := engines.MySQL("mysql", engines.MySQLOptions{StorageClassName: "local-ssd"})
	plan, err := cluster.New("mysql", spec, cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}})
	if err != nil {
		panic(err)
	}
	pod := plan.StatefulSet.Spec.Template.Spec
	item := pod.Volumes[0].Projected.Sources[0].Secret.Items[0]
	fmt.Printf("%s -> %s/%s (%#o)\n", item.Key, spec.Config.MountPath, item.Path, *item.Mode)
	fmt.Println("env vars", len(pod.Containers[0].Env))
	fmt.Println("class", *plan.StatefulSet.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)
	fmt.Println("pdb", plan.PDB != nil)
	// Output:
	// mysql-root-password -> /etc/ordinal/mysql/mysql-root-password (0440)
	// env vars 0
	// class local-ssd
	// pdb false
}

// A three-member etcd cluster on a distroless image: plain arguments that
// Kubernetes expands from the pod name, and the bootstrap membership as
// etcd's own env vars from the generated ConfigMap.
func ExampleEtcd() {
	spec := engines.Etcd("etcd", engines.EtcdOptions{Replicas: 3})
	plan, err := cluster.New("etcd", spec, cluster.Options{})
	if err != nil {
		panic(err)
	}
	etcd := plan.StatefulSet.Spec.Template.Spec.Containers[0]
	fmt.Println(etcd.Command[0], etcd.Args[0], etcd.Args[1])
	fmt.Println(etcd.Args[6])
	fmt.Println(plan.ConfigMap.Data[engines.EtcdKeyInitialCluster])
	fmt.Println(plan.ConfigMap.Data[engines.EtcdKeyInitialClusterState], plan.StatefulSet.Spec.PodManagementPolicy, "minAvailable", plan.PDB.Spec.MinAvailable.String())
	fmt.Println(etcd.ReadinessProbe.HTTPGet.Path, etcd.ReadinessProbe.HTTPGet.Port.StrVal, etcd.LivenessProbe.HTTPGet.Path, etcd.LivenessProbe.HTTPGet.Port.StrVal)
	fmt.Println(plan.MembershipJob.Name)
	// Output:
	// /ordinal/tools/bin/sh /usr/local/bin/etcd --name=$(POD_NAME)
	// --initial-advertise-peer-urls=http://$(POD_NAME).etcd:2380
	// etcd-0=http://etcd-0.etcd:2380
	// new Parallel minAvailable 2
	// /readyz client /livez metrics
	// etcd-members-3
}
