package localpv_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// One local SSD on each of three nodes. The PV names depend only on node
// and path, so listing the nodes in another order changes nothing.
func Example() {
	plan, err := localpv.New("local-ssd", localpv.Spec{
		Nodes:    []string{"node-0", "node-1", "node-2"},
		Path:     "/mnt/disks/ssd0",
		Capacity: "100Gi",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := plan.StorageClass
	fmt.Println("storage class:", sc.Name, sc.Provisioner, *sc.VolumeBindingMode, *sc.ReclaimPolicy)
	for _, pv := range plan.Volumes {
		term := pv.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0]
		fmt.Println(pv.Name, pv.Spec.Local.Path, term.Key, term.Values)
	}
	total := plan.TotalCapacity()
	fmt.Println("total:", total.String())
	volumes, nodes := plan.Fits(resource.MustParse("50Gi"))
	fmt.Printf("50Gi claims fit on %d volumes across %d nodes\n", volumes, nodes)
	// Output:
	// storage class: local-ssd kubernetes.io/no-provisioner WaitForFirstConsumer Retain
	// local-ssd-node-0-0fe009 /mnt/disks/ssd0 kubernetes.io/hostname [node-0]
	// local-ssd-node-1-0059b1 /mnt/disks/ssd0 kubernetes.io/hostname [node-1]
	// local-ssd-node-2-4c3217 /mnt/disks/ssd0 kubernetes.io/hostname [node-2]
	// total: 300Gi
	// 50Gi claims fit on 3 volumes across 3 nodes
}

// Several disks per node, each with its own size.
func ExampleSpec_volumes() {
	plan, err := localpv.New("disks", localpv.Spec{
		Capacity: "500Gi",
		Volumes: []localpv.Volume{
			{Node: "node-0", Path: "/mnt/disks/a"},
			{Node: "node-0", Path: "/mnt/disks/b", Capacity: "1Ti"},
			{Node: "node-1", Path: "/mnt/disks/a"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, pv := range plan.Volumes {
		fmt.Println(pv.Spec.Local.Path, plan.Capacities[i].String())
	}
	fmt.Println("nodes:", plan.DistinctNodes())
	// Output:
	// /mnt/disks/a 500Gi
	// /mnt/disks/b 1Ti
	// /mnt/disks/a 500Gi
	// nodes: [node-0 node-1]
}
