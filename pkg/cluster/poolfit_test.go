package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// vols lists one volume per "node:path" at the pool's capacity.
func vols(entries ...string) []localpv.Volume {
	var out []localpv.Volume
	for _, e := range entries {
		for i := range len(e) {
			if e[i] == ':' {
				out = append(out, localpv.Volume{Node: e[:i], Path: e[i+1:]})
				break
			}
		}
	}
	return out
}

// TestPoolFitPerNodeAndMode: claims on a pool are checked per node (a pod
// needs all its claims' volumes on its own node) and per mode.
func TestPoolFitPerNodeAndMode(t *testing.T) {
	wal := cluster.Claim{Name: "wal", Size: "1Gi", MountPath: "/wal"}
	hard := func(s *cluster.Spec) { s.Scheduling.AntiAffinity = cluster.AntiAffinityHard }
	tests := []struct {
		name  string
		edit  func(s *cluster.Spec)
		pool  localpv.Spec
		field string // "" when the spec is valid
		fix   string
	}{
		{name: "two claims, one disk per node but n0, hard anti-affinity",
			edit:  func(s *cluster.Spec) { hard(s); s.Claims = append(s.Claims, wal) },
			pool:  localpv.Spec{Capacity: "100Gi", Volumes: vols("n0:/a", "n0:/b", "n0:/c", "n0:/d", "n1:/a", "n2:/a")},
			field: "spec.scheduling.antiAffinity", fix: "only 1 node(s) have them (pods per node: n0: 2, n1: 0, n2: 0) for 3 replicas"},
		{name: "two claims, one disk per node, soft",
			edit:  func(s *cluster.Spec) { s.Claims = append(s.Claims, wal) },
			pool:  localpv.Spec{Capacity: "100Gi", Volumes: vols("n0:/a", "n1:/a", "n2:/a", "n3:/a", "n3:/b", "n3:/c")},
			field: "spec.claims", fix: "room for only 1 pod(s)"},
		{name: "two claims, two disks per node, hard",
			edit: func(s *cluster.Spec) { hard(s); s.Claims = append(s.Claims, wal) },
			pool: localpv.Spec{Capacity: "100Gi", Volumes: vols("n0:/a", "n0:/b", "n1:/a", "n1:/b", "n2:/a", "n2:/b")}},
		{name: "claim larger than the second disk of the nodes with the first",
			edit: func(s *cluster.Spec) {
				s.Claims = append(s.Claims, cluster.Claim{Name: "wal", Size: "10Gi", MountPath: "/wal"})
			},
			pool: localpv.Spec{Volumes: []localpv.Volume{
				{Node: "n0", Path: "/a", Capacity: "100Gi"}, {Node: "n0", Path: "/b", Capacity: "5Gi"},
				{Node: "n1", Path: "/a", Capacity: "100Gi"}, {Node: "n1", Path: "/b", Capacity: "5Gi"},
				{Node: "n2", Path: "/a", Capacity: "100Gi"}, {Node: "n2", Path: "/b", Capacity: "5Gi"},
				{Node: "n3", Path: "/a", Capacity: "10Gi"}, {Node: "n3", Path: "/b", Capacity: "10Gi"},
			}},
			field: "spec.claims", fix: "room for only 1 pod(s) (pods per node: n0: 0, n1: 0, n2: 0, n3: 1)"},
		{name: "ReadOnlyMany claim on ReadWriteOnce volumes",
			edit: func(s *cluster.Spec) {
				s.Claims[0].AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadOnlyMany}
			},
			pool:  localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/a", Capacity: "100Gi"},
			field: "spec.claims[0].accessModes[0]", fix: "request ReadWriteOnce, or change the pool's accessModes"},
		{name: "ReadWriteOnce claim on ReadWriteOncePod volumes",
			pool:  localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/a", Capacity: "100Gi", AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod}},
			field: "spec.claims[0].accessModes[0]", fix: "request ReadWriteOncePod"},
		{name: "ReadWriteOnce claim on ReadWriteOnce and ReadOnlyMany volumes",
			pool: localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/a", Capacity: "100Gi", AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany}}},
		{name: "Filesystem claim on Block volumes",
			pool:  localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/dev/sdb", Capacity: "100Gi", VolumeMode: corev1.PersistentVolumeBlock},
			field: "spec.claims[0].volumeMode", fix: "set volumeMode Block, or use a pool of Filesystem volumes"},
		{name: "Block claim on Filesystem volumes",
			edit: func(s *cluster.Spec) {
				s.Claims[0].VolumeMode, s.Claims[0].MountPath, s.Claims[0].DevicePath = corev1.PersistentVolumeBlock, "", "/dev/data"
			},
			pool:  localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/a", Capacity: "100Gi"},
			field: "spec.claims[0].volumeMode", fix: "set volumeMode Filesystem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			if tt.edit != nil {
				tt.edit(&s)
			}
			_, err := cluster.New("db", s, cluster.Options{Pool: pool(t, tt.pool)})
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var verr *validation.Error
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, []string{tt.field}, verr.Fields())
			assert.Contains(t, err.Error(), tt.fix)
			assert.Contains(t, err.Error(), `LocalVolumePool "local"`)
		})
	}
}

func TestPodsPerNode(t *testing.T) {
	q := resource.MustParse
	p := pool(t, localpv.Spec{Volumes: []localpv.Volume{
		{Node: "n0", Path: "/a", Capacity: "10Gi"}, {Node: "n0", Path: "/b", Capacity: "20Gi"},
		{Node: "n0", Path: "/c", Capacity: "10Gi"}, {Node: "n0", Path: "/d", Capacity: "20Gi"},
		{Node: "n1", Path: "/a", Capacity: "20Gi"}, {Node: "n1", Path: "/b", Capacity: "5Gi"},
		{Node: "n2", Path: "/a", Capacity: "1Gi"},
	}})
	assert.Equal(t, map[string]int{"n0": 2, "n1": 0, "n2": 0}, cluster.PodsPerNode(p, []resource.Quantity{q("10Gi"), q("20Gi")}))
	assert.Equal(t, map[string]int{"n0": 4, "n1": 2, "n2": 1}, cluster.PodsPerNode(p, []resource.Quantity{q("1Gi")}))
}
