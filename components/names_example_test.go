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

// Keeping the names you have: the CockroachDB-style "bini" cluster of the
// YAML it replaces, whose PodDisruptionBudget is "bini-budget", whose init
// Job is "cluster-init" and whose local PVs are "pv-bini-0".."pv-bini-2".
// Only the Kubernetes names change: the Pulumi names (and so the URNs) stay
// "bini-pdb", "bini-init" and the generated PV names.
func ExampleNewDatabaseCluster_keepNames() {
	var pool *components.LocalVolumePool
	var db *components.DatabaseCluster
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		var volumes []localpv.Volume
		for i, node := range []string{"node-0", "node-1", "node-2"} {
			volumes = append(volumes, localpv.Volume{Node: node, Path: "/mnt/disks/ssd0", Name: fmt.Sprintf("pv-bini-%d", i)})
		}
		var err error
		pool, err = components.NewLocalVolumePool(ctx, "local", &components.LocalVolumePoolArgs{
			Spec: localpv.Spec{Volumes: volumes, Capacity: "20Gi"},
		})
		if err != nil {
			return err
		}
		db, err = components.NewDatabaseCluster(ctx, "bini", &components.DatabaseClusterArgs{
			Spec: cluster.Spec{
				Replicas:   3,
				Ports:      []network.Port{{Name: "grpc", Port: 26257, Client: true, Peer: true}},
				Containers: []corev1.Container{{Name: "db", Image: "cockroachdb/cockroach:v24.3.6"}},
				Claims:     []cluster.Claim{{Name: "datadir", Size: "20Gi", MountPath: "/cockroach/cockroach-data"}},
				Init:       &cluster.InitJob{Command: []string{"/cockroach/cockroach", "init", "--insecure", "--host=bini-0.bini"}},
				Network:    cluster.Network{ServiceLabels: map[string]string{"app": "bini"}},
				Objects: cluster.Objects{
					PDB:     cluster.Object{Name: "bini-budget"},
					InitJob: cluster.Object{Name: "cluster-init"},
				},
			},
			Pool: pool,
		})
		return err
	})
	if err != nil {
		panic(err)
	}
	for _, c := range []struct{ typ, name string }{
		{kubetypes.PodDisruptionBudget, "bini-pdb"},
		{kubetypes.Job, "bini-init"},
		{kubetypes.Service, "bini-network-headless"},
	} {
		r, _ := rec.Lookup(c.typ, c.name)
		name, _ := r.Lookup("metadata.name")
		fmt.Printf("%s is named %s\n", r, name)
	}
	svc, _ := rec.Lookup(kubetypes.Service, "bini-network-headless")
	app, _ := svc.Lookup(`metadata.labels["app"]`)
	fmt.Println("governing Service labelled app =", app)
	pvs, _ := ordinaltest.Resolve[[]string](pool.VolumeNames)
	fmt.Println("PVs:", pvs.Value)
	pdb, _ := ordinaltest.Resolve[string](db.PDBName)
	job, _ := ordinaltest.Resolve[string](db.InitJobName)
	fmt.Println("outputs:", pdb.Value, job.Value)
	// Output:
	// kubernetes:policy/v1:PodDisruptionBudget::bini-pdb is named bini-budget
	// kubernetes:batch/v1:Job::bini-init is named cluster-init
	// kubernetes:core/v1:Service::bini-network-headless is named bini
	// governing Service labelled app = bini
	// PVs: [pv-bini-0 pv-bini-1 pv-bini-2]
	// outputs: bini-budget cluster-init
}
