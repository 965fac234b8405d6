package naming_test

import (
	"fmt"

	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// The stable DNS names of a three-member ZooKeeper ensemble governed by the
// headless Service "zk-hs" in namespace "kafka".
func ExamplePodFQDNs() {
	for _, fqdn := range naming.PodFQDNs("zk", "zk-hs", "kafka", "", 0, 3) {
		fmt.Println(fqdn)
	}
	// Output:
	// zk-0.zk-hs.kafka.svc.cluster.local
	// zk-1.zk-hs.kafka.svc.cluster.local
	// zk-2.zk-hs.kafka.svc.cluster.local
}

// A --join flag for a CockroachDB-style cluster whose ordinals start at 1.
func ExampleJoinList() {
	hosts := naming.PodHosts("crdb", "crdb", 1, 3)
	fmt.Println("--join=" + naming.JoinList(hosts, 26257))
	// Output: --join=crdb-1.crdb:26257,crdb-2.crdb:26257,crdb-3.crdb:26257
}

// A content-addressed child name: new content, new name.
func ExampleContentHash() {
	v1 := naming.ContentHash("zoo.cfg", "tickTime=2000")
	v2 := naming.ContentHash("zoo.cfg", "tickTime=3000")
	fmt.Println(naming.Child("zk", "config-"+naming.Short(v1, 10)))
	fmt.Println(naming.Child("zk", "config-"+naming.Short(v2, 10)))
	// Output:
	// zk-config-5fdd5df66d
	// zk-config-dfac73ebf1
}
