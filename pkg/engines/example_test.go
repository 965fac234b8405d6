package engines_test

import (
	"fmt"

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
	fmt.Println(plan.Network.ClientSvc.Name, plan.PDB.Spec.MaxUnavailable.String())
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

// The ZooKeeper tutorial's ensemble, with one setting and the resources
// overridden on the returned spec.
func ExampleZooKeeper() {
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
	spec.Config.Data[engines.ZooKeeperKeySnapRetain] = "5"
	spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")}
	plan, err := cluster.New("zk", spec, cluster.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(plan.ConfigMap.Data["ensemble"])
	fmt.Println("snap.retain", plan.ConfigMap.Data["snap.retain"])
	fmt.Println("minAvailable", plan.PDB.Spec.MinAvailable.String())
	// Output:
	// zk-0.zk-hs;zk-1.zk-hs;zk-2.zk-hs
	// snap.retain 5
	// minAvailable 2
}

// A single MySQL instance: the root password is a reference to the
// component's generated Secret, never a literal.
func ExampleMySQL() {
	spec := engines.MySQL("mysql", engines.MySQLOptions{StorageClassName: "local-ssd"})
	plan, err := cluster.New("mysql", spec, cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}})
	if err != nil {
		panic(err)
	}
	env := plan.StatefulSet.Spec.Template.Spec.Containers[0].Env[0]
	fmt.Println(env.Name, "from secret key", env.ValueFrom.SecretKeyRef.Key)
	fmt.Println("class", *plan.StatefulSet.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)
	fmt.Println("pdb", plan.PDB != nil)
	// Output:
	// MYSQL_ROOT_PASSWORD from secret key mysql-root-password
	// class local-ssd
	// pdb false
}
