package cluster_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// The Services of a ZooKeeper ensemble labelled as in the YAML it
// replaces: app=zk-headless on the governing Service, app=zk-client on the
// client Service, each over the labels of every object (spec.Labels). The
// labels that select the pods stay ordinal's.
func ExampleNetwork_serviceLabels() {
	plan, err := cluster.New("zk", cluster.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "client", Port: 2181, Client: true},
			{Name: "server", Port: 2888, Peer: true},
			{Name: "leader-election", Port: 3888, Peer: true},
		},
		Containers: []corev1.Container{{Name: "zookeeper", Image: "zookeeper:3.8"}},
		Labels:     map[string]string{"app": "zk"},
		Network: cluster.Network{
			ServiceName:   "zk-hs",
			ServiceLabels: map[string]string{"app": "zk-headless"},
			Client:        &network.ClientService{Name: "zk-cs", Labels: map[string]string{"app": "zk-client"}},
		},
		Objects: cluster.Objects{PDB: cluster.Object{Name: "zk-pdb"}},
	}, cluster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, svc := range []*corev1.Service{plan.Network.Service, plan.Network.ClientService} {
		fmt.Println(svc.Name, "app="+svc.Labels["app"], "selects", svc.Spec.Selector)
	}
	fmt.Println(plan.PDB.Name, "app="+plan.PDB.Labels["app"])
	// Output:
	// zk-hs app=zk-headless selects map[app.kubernetes.io/component:database app.kubernetes.io/instance:zk]
	// zk-cs app=zk-client selects map[app.kubernetes.io/component:database app.kubernetes.io/instance:zk]
	// zk-pdb app=zk
}
