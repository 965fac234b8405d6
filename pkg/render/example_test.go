package render_test

import (
	"fmt"

	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/render"
)

// The governing Service of a HeadlessNetwork as a manifest for kubectl or
// a GitOps repository.
func ExampleYAML() {
	plan, err := network.New("zk", network.Spec{
		Replicas: 3,
		Ports:    []network.Port{{Name: "client", Port: 2181, Client: true}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := render.YAML(render.Network(plan, "kafka")...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// apiVersion: v1
	// kind: Service
	// metadata:
	//   labels:
	//     app.kubernetes.io/component: database
	//     app.kubernetes.io/instance: zk
	//     app.kubernetes.io/managed-by: ordinal
	//     app.kubernetes.io/name: zk
	//   name: zk
	//   namespace: kafka
	// spec:
	//   clusterIP: None
	//   ports:
	//   - name: client
	//     port: 2181
	//     protocol: TCP
	//     targetPort: client
	//   publishNotReadyAddresses: true
	//   selector:
	//     app.kubernetes.io/component: database
	//     app.kubernetes.io/instance: zk
}
