package cluster_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// A three-member ZooKeeper ensemble on a local volume pool, with its config
// in a content-addressed ConfigMap and a PodDisruptionBudget that keeps a
// quorum.
func Example() {
	pool, err := localpv.New("local-ssd", localpv.Spec{
		Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/disks/ssd0", Capacity: "20Gi",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := cluster.New("zk", cluster.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "client", Port: 2181, Client: true},
			{Name: "server", Port: 2888, Peer: true},
			{Name: "leader-election", Port: 3888, Peer: true},
		},
		Containers: []corev1.Container{{Name: "zookeeper", Image: "zookeeper:3.9"}},
		Claims:     []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/data"}},
		Config:     &cluster.Config{Data: map[string]string{"zoo.cfg": "tickTime=2000\ninitLimit=10\n"}},
		Scheduling: cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard},
	}, cluster.Options{Pool: pool})
	if err != nil {
		fmt.Println(err)
		return
	}
	sts := plan.StatefulSet
	fmt.Println(plan)
	fmt.Println("service:", sts.Spec.ServiceName, "claims:", sts.Spec.VolumeClaimTemplates[0].Name, *sts.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)
	fmt.Println("retention:", sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled)
	fmt.Println("pdb minAvailable:", plan.PDB.Spec.MinAvailable.String())
	fmt.Println("config:", plan.ConfigMap.Name)
	fmt.Println("peers:", plan.Network.PeerList("kafka"))
	// Output:
	// DatabaseCluster "zk": 3 replicas, 1 claims
	// service: zk claims: data local-ssd
	// retention: Retain Retain
	// pdb minAvailable: 2
	// config: zk-config-388d23d685
	// peers: zk-0.zk.kafka.svc.cluster.local:2888,zk-1.zk.kafka.svc.cluster.local:2888,zk-2.zk.kafka.svc.cluster.local:2888
}

// Problems are reported before anything is created, all at once, each with
// the field to change and how.
func ExampleNew_invalid() {
	pool, err := localpv.New("local-ssd", localpv.Spec{
		Nodes: []string{"node-0", "node-1"}, Path: "/mnt/disks/ssd0", Capacity: "20Gi",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = cluster.New("zk", cluster.Spec{
		Replicas:   3,
		Ports:      []network.Port{{Name: "client", Port: 2181}},
		Containers: []corev1.Container{{Name: "zookeeper", Image: "zookeeper:3.9"}},
		Claims:     []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/data"}},
		UpdateStrategy: cluster.UpdateStrategy{
			Partition: 5,
		},
	}, cluster.Options{Pool: pool})
	fmt.Println(err)
	// Output:
	// DatabaseCluster "zk": 2 invalid arguments:
	//   - spec.updateStrategy.partition: must be <= replicas (3): pods with an ordinal index >= partition are updated; use 3 to hold every pod, got 5
	//   - spec.claims[0].size: the LocalVolumePool "local-ssd" has 2 volume(s) of at least this size, but 3 replicas need one each; add volumes to the pool, or lower the size or the replicas, got "10Gi"
}

// Values known only when Pulumi runs (here an image built by another
// resource, and the generated Secret's name) are filled in by Resolve.
func ExamplePlan_Resolve() {
	plan, err := cluster.New("db", cluster.Spec{
		Replicas:   1,
		Ports:      []network.Port{{Name: "sql", Port: 5432, Client: true}},
		Containers: []corev1.Container{{Name: "postgres", Env: []corev1.EnvVar{cluster.SecretEnv("POSTGRES_PASSWORD", "password")}}},
		Init:       &cluster.InitJob{Command: []string{"psql", "-f", "/etc/ordinal/init.sql"}},
	}, cluster.Options{DeployTimeImages: []string{"postgres"}, SecretKeys: []string{"password"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("template image: %q\n", plan.StatefulSet.Spec.Template.Spec.Containers[0].Image)
	sts, job := plan.Resolve(cluster.Deployed{
		Images:     map[string]string{"postgres": "registry.example/postgres@sha256:4f1e"},
		SecretName: "db-secret-8x2k",
	})
	pod := sts.Spec.Template.Spec
	fmt.Println("image:", pod.Containers[0].Image)
	fmt.Println("init Job image:", job.Spec.Template.Spec.Containers[0].Image)
	fmt.Println("password from:", pod.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	// Output:
	// template image: ""
	// image: registry.example/postgres@sha256:4f1e
	// init Job image: registry.example/postgres@sha256:4f1e
	// password from: db-secret-8x2k
}
