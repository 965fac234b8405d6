package network_test

import (
	"fmt"

	"github.com/ordinal-dev/ordinal/pkg/network"
)

// A ZooKeeper ensemble: clients use port 2181 through the client Service;
// members reach each other on 2888 and 3888 through the headless Service.
func Example() {
	plan, err := network.New("zk", network.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "client", Port: 2181, Client: true},
			{Name: "server", Port: 2888, Peer: true},
			{Name: "leader-election", Port: 3888, Peer: true},
		},
		Client: &network.ClientService{},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("governing:", plan.Service.Name, "clusterIP:", plan.Service.Spec.ClusterIP, "publishNotReadyAddresses:", plan.Service.Spec.PublishNotReadyAddresses)
	fmt.Println("client service:", plan.ClientService.Name, plan.ClientService.Spec.Type)
	fmt.Println("peers:", plan.PeerList("kafka"))
	fmt.Println("clients:", plan.ClientEndpoints("kafka"))
	// Output:
	// governing: zk clusterIP: None publishNotReadyAddresses: true
	// client service: zk-public ClusterIP
	// peers: zk-0.zk.kafka.svc.cluster.local:2888,zk-1.zk.kafka.svc.cluster.local:2888,zk-2.zk.kafka.svc.cluster.local:2888
	// clients: [zk-public.kafka.svc.cluster.local:2181]
}

// Every problem is reported at once, with its field path and the fix.
func ExampleNew_invalid() {
	_, err := network.New("zk", network.Spec{
		Replicas: 0,
		Ports: []network.Port{
			{Name: "client", Port: 2181},
			{Name: "client", Port: 2888},
		},
	})
	fmt.Println(err)
	// Output:
	// HeadlessNetwork "zk": 2 invalid arguments:
	//   - spec.replicas: must be >= 1, got 0
	//   - spec.ports[1].name: duplicate value "client": ports[0] already uses this name; give each port a unique name
}
