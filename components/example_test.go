package components_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// A three-replica cluster on a pool of local disks, run under the mocks of
// ordinaltest: the objects it registers, the class its claims request, and
// the pods' DNS names. In a program, the same calls run in pulumi.Run.
func ExampleNewDatabaseCluster() {
	var db *components.DatabaseCluster
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		pool, err := components.NewLocalVolumePool(ctx, "ssd", &components.LocalVolumePoolArgs{
			Spec: localpv.Spec{Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/disks/ssd0", Capacity: "10Gi"},
		})
		if err != nil {
			return err
		}
		db, err = components.NewDatabaseCluster(ctx, "db", &components.DatabaseClusterArgs{
			Namespace: pulumi.String("prod"),
			Spec: cluster.Spec{
				Replicas:   3,
				Ports:      []network.Port{{Name: "sql", Port: 5432, Client: true, Peer: true}},
				Containers: []corev1.Container{{Name: "db", Image: "postgres:17"}},
				Claims:     []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/var/lib/postgresql/data"}},
			},
			Pool: pool,
		})
		return err
	})
	if err != nil {
		panic(err)
	}
	cl, _ := rec.Lookup(components.DatabaseClusterType, "db")
	for _, r := range rec.Children(cl) {
		fmt.Println(r)
	}
	sts, _ := rec.Lookup(kubetypes.StatefulSet, "db-statefulset")
	class, _ := sts.Lookup("spec.volumeClaimTemplates[0].spec.storageClassName")
	fmt.Println("claims request:", class)
	fqdns, _ := ordinaltest.Resolve[[]string](db.PodFQDNs)
	fmt.Println(fqdns.Value[0])
	// Output:
	// kubernetes:apps/v1:StatefulSet::db-statefulset
	// kubernetes:core/v1:ConfigMap::db-lifetime
	// kubernetes:core/v1:PersistentVolumeClaimPatch::db-claim-data-db-0
	// kubernetes:core/v1:PersistentVolumeClaimPatch::db-claim-data-db-1
	// kubernetes:core/v1:PersistentVolumeClaimPatch::db-claim-data-db-2
	// kubernetes:policy/v1:PodDisruptionBudget::db-pdb
	// ordinal:index:HeadlessNetwork::db-network
	// claims request: ssd
	// db-0.db.prod.svc.cluster.local
}
