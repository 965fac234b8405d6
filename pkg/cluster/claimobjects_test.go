package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// The claims the cluster declares are those the StatefulSet controller
// makes: "<template>-<sts>-<ordinal>" for every template and pod, labels
// and spec of the resolved template.
func TestClaimObjects(t *testing.T) {
	spec := dbSpec()
	spec.OrdinalStart = 2
	spec.Claims = append(spec.Claims, cluster.Claim{Name: "data-wal", Size: "1Gi", MountPath: "/wal", Labels: map[string]string{"tier": "wal"}})
	p := mustPlan(t, spec, cluster.Options{DeployTimeStorageClass: true})

	claims := p.ClaimObjects(cluster.Deployed{StorageClassName: "fast"})
	var names []string
	for _, c := range claims {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"data-db-2", "data-db-3", "data-db-4", "data-wal-db-2", "data-wal-db-3", "data-wal-db-4"}, names)
	resolved := p.ResolveStatefulSet(cluster.Deployed{StorageClassName: "fast"}).Spec.VolumeClaimTemplates
	for i, c := range claims {
		tmpl := resolved[i/3]
		assert.Equal(t, tmpl.Labels, c.Labels, c.Name)
		assert.Equal(t, tmpl.Spec, c.Spec, c.Name)
		assert.Equal(t, "fast", *c.Spec.StorageClassName, "the deploy-time class is resolved")
	}
	assert.Equal(t, "wal", claims[3].Labels["tier"])
	assert.Equal(t, resolved, p.ResolveClaimTemplates(cluster.Deployed{StorageClassName: "fast"}), "the templates alone, resolved the same")
	assert.Nil(t, p.StatefulSet.Spec.VolumeClaimTemplates[0].Spec.StorageClassName, "the plan's own template is not written")

	spec.Claims = nil
	assert.Empty(t, mustPlan(t, spec, cluster.Options{}).ClaimObjects(cluster.Deployed{}), "no templates, no claims")
}

func TestClaimTemplateOf(t *testing.T) {
	spec := dbSpec()
	spec.Claims = append(spec.Claims, cluster.Claim{Name: "data-wal", Size: "1Gi", MountPath: "/wal"})
	p := mustPlan(t, spec, cluster.Options{})
	tests := []struct {
		claim, want string
		ok          bool
	}{
		{"data-db-0", "data", true},
		{"data-db-17", "data", true}, // beyond the replicas: a claim left by a scale-down
		{"data-wal-db-1", "data-wal", true},
		{"data-db-x", "", false},
		{"data-other-0", "", false},
		{"logs-db-0", "", false},
		{"data-db-", "", false},
	}
	for _, tt := range tests {
		got, ok := p.ClaimTemplateOf(tt.claim)
		assert.Equal(t, tt.ok, ok, tt.claim)
		assert.Equal(t, tt.want, got, tt.claim)
	}
}

func TestFixedSizeClasses(t *testing.T) {
	assert.Empty(t, mustPlan(t, dbSpec(), cluster.Options{}).FixedSizeClasses())
	disks := pool(t, localpv.Spec{StorageClassName: "local-ssd", Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/disks/ssd0", Capacity: "10Gi"})
	assert.Equal(t, []string{"local-ssd"}, mustPlan(t, dbSpec(), cluster.Options{Pool: disks}).FixedSizeClasses())
}

// What a claim can follow: only a larger size, and not on a local pool.
func TestCompareClaims(t *testing.T) {
	rec := func(size, class string, modes ...string) cluster.ClaimRecord {
		return cluster.ClaimRecord{Name: "data", Size: size, StorageClass: class, AccessModes: modes, VolumeMode: "Filesystem"}
	}
	fixed := []string{"local"}
	tests := []struct {
		name          string
		before, after cluster.ClaimRecord
		want          []string // fragments, one per line; none: no change refused
	}{
		{"unchanged", rec("1Gi", "fast"), rec("1Gi", "fast"), nil},
		{"same size spelled otherwise", rec("1Gi", "fast"), rec("1024Mi", "fast"), nil},
		{"larger", rec("1Gi", "fast"), rec("2Gi", "fast"), nil},
		{"larger on the cluster's default class", rec("1Gi", ""), rec("2Gi", ""), nil},
		{"smaller", rec("2Gi", "fast"), rec("1500Mi", "fast"), []string{"spec.claims[data].size: the claims of \"data\" have 2Gi, and Kubernetes never shrinks a claim; set it back to 2Gi (or larger)"}},
		{"larger on the pool", rec("1Gi", "local"), rec("2Gi", "local"), []string{"local-volume pool's storage class \"local\", whose volumes are disks of a fixed size on the nodes and cannot grow; set it back to 1Gi"}},
		{"smaller on the pool", rec("1Gi", "local"), rec("512Mi", "local"), []string{"never shrinks"}},
		{"another class", rec("1Gi", "fast"), rec("1Gi", "slow"), []string{"spec.claims[data]: the claims of \"data\" are on the storage class \"fast\""}},
		{"larger and another class", rec("1Gi", "fast"), rec("2Gi", "slow"), []string{"storage class \"fast\""}},
		{"access modes", rec("1Gi", "fast", "ReadWriteOnce"), rec("1Gi", "fast", "ReadWriteOncePod"), []string{"accessModes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cluster.CompareClaims([]cluster.ClaimRecord{tt.before}, []cluster.ClaimRecord{tt.after}, fixed)
			require.Len(t, got, len(tt.want), "%q", got)
			for i, w := range tt.want {
				assert.Contains(t, got[i], w)
			}
		})
	}
}

func TestClaimRecordOf(t *testing.T) {
	spec := corev1.PersistentVolumeClaimSpec{
		AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		StorageClassName: new("fast"),
		VolumeMode:       new(corev1.PersistentVolumeBlock),
		Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("3Gi")}},
	}
	assert.Equal(t, cluster.ClaimRecord{Name: "data", Size: "3Gi", StorageClass: "fast", AccessModes: []string{"ReadWriteOnce"}, VolumeMode: "Block"},
		cluster.ClaimRecordOf("data", spec))
	assert.Equal(t, cluster.ClaimRecord{Name: "data"}, cluster.ClaimRecordOf("data", corev1.PersistentVolumeClaimSpec{}))
}
