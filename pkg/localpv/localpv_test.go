package localpv_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

func threeNodes() localpv.Spec {
	return localpv.Spec{Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/disks/ssd0", Capacity: "100Gi"}
}

func TestDefaults(t *testing.T) {
	got := localpv.Defaults("pool", localpv.Spec{})
	assert.Equal(t, "pool", got.StorageClassName)
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, got.AccessModes)
	assert.Equal(t, corev1.PersistentVolumeFilesystem, got.VolumeMode)
	assert.Equal(t, corev1.PersistentVolumeReclaimRetain, got.ReclaimPolicy, "local data is kept by default")
	assert.Equal(t, "kubernetes.io/hostname", got.NodeLabelKey)

	kept := localpv.Defaults("pool", localpv.Spec{
		StorageClassName: "fast", ReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
		VolumeMode: corev1.PersistentVolumeBlock, NodeLabelKey: "example.com/disk-host",
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod},
	})
	assert.Equal(t, "fast", kept.StorageClassName)
	assert.Equal(t, corev1.PersistentVolumeReclaimDelete, kept.ReclaimPolicy)
	assert.Equal(t, corev1.PersistentVolumeBlock, kept.VolumeMode)
	assert.Equal(t, "example.com/disk-host", kept.NodeLabelKey)
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod}, kept.AccessModes)
}

func TestStorageClass(t *testing.T) {
	tests := []struct {
		name        string
		spec        localpv.Spec
		wantName    string
		wantReclaim corev1.PersistentVolumeReclaimPolicy
		wantDefault bool
	}{
		{"defaults", threeNodes(), "pool", corev1.PersistentVolumeReclaimRetain, false},
		{"named class with Delete", func() localpv.Spec {
			s := threeNodes()
			s.StorageClassName = "local-ssd"
			s.ReclaimPolicy = corev1.PersistentVolumeReclaimDelete
			return s
		}(), "local-ssd", corev1.PersistentVolumeReclaimDelete, false},
		{"cluster default class", func() localpv.Spec {
			s := threeNodes()
			s.DefaultClass = true
			return s
		}(), "pool", corev1.PersistentVolumeReclaimRetain, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := localpv.New("pool", tt.spec)
			require.NoError(t, err)
			sc := plan.StorageClass
			assert.Equal(t, "storage.k8s.io/v1", sc.APIVersion)
			assert.Equal(t, "StorageClass", sc.Kind)
			assert.Equal(t, tt.wantName, sc.Name)
			assert.Equal(t, "kubernetes.io/no-provisioner", sc.Provisioner)
			require.NotNil(t, sc.VolumeBindingMode)
			assert.Equal(t, storagev1.VolumeBindingWaitForFirstConsumer, *sc.VolumeBindingMode)
			require.NotNil(t, sc.ReclaimPolicy)
			assert.Equal(t, tt.wantReclaim, *sc.ReclaimPolicy)
			assert.Equal(t, "storage", sc.Labels[labels.Component])
			assert.Equal(t, "pool", sc.Labels[labels.Instance])
			if tt.wantDefault {
				assert.Equal(t, "true", sc.Annotations["storageclass.kubernetes.io/is-default-class"])
			} else {
				assert.NotContains(t, sc.Annotations, "storageclass.kubernetes.io/is-default-class")
			}
		})
	}
}

func TestPersistentVolumes(t *testing.T) {
	s := threeNodes()
	s.MountOptions = []string{"noatime"}
	s.FSType = "xfs"
	s.Labels = map[string]string{"tier": "fast"}
	plan, err := localpv.New("pool", s)
	require.NoError(t, err)
	require.Len(t, plan.Volumes, 3)
	for i, pv := range plan.Volumes {
		node := s.Nodes[i]
		t.Run(node, func(t *testing.T) {
			assert.Equal(t, "v1", pv.APIVersion)
			assert.Equal(t, "PersistentVolume", pv.Kind)
			assert.True(t, strings.HasPrefix(pv.Name, "pool-"+node+"-"), pv.Name)
			assert.Empty(t, k8svalidation.IsDNS1123Subdomain(pv.Name))
			assert.Equal(t, node, pv.Labels[localpv.NodeLabel])
			assert.Equal(t, "fast", pv.Labels["tier"])
			assert.Equal(t, corev1.PersistentVolumeReclaimRetain, pv.Spec.PersistentVolumeReclaimPolicy)
			assert.Equal(t, "pool", pv.Spec.StorageClassName)
			assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, pv.Spec.AccessModes)
			require.NotNil(t, pv.Spec.VolumeMode)
			assert.Equal(t, corev1.PersistentVolumeFilesystem, *pv.Spec.VolumeMode)
			assert.Equal(t, []string{"noatime"}, pv.Spec.MountOptions)
			capacity := pv.Spec.Capacity[corev1.ResourceStorage]
			assert.Equal(t, "100Gi", capacity.String())
			require.NotNil(t, pv.Spec.Local)
			assert.Equal(t, "/mnt/disks/ssd0", pv.Spec.Local.Path)
			require.NotNil(t, pv.Spec.Local.FSType)
			assert.Equal(t, "xfs", *pv.Spec.Local.FSType)

			// A local PV must be pinned to its node by a required affinity.
			require.NotNil(t, pv.Spec.NodeAffinity)
			require.NotNil(t, pv.Spec.NodeAffinity.Required)
			assert.Equal(t, []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
				Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{node},
			}}}}, pv.Spec.NodeAffinity.Required.NodeSelectorTerms)
		})
	}
}

func TestNodeLabelKey(t *testing.T) {
	s := threeNodes()
	s.NodeLabelKey = "example.com/disk-host"
	plan, err := localpv.New("pool", s)
	require.NoError(t, err)
	req := plan.Volumes[0].Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0]
	assert.Equal(t, "example.com/disk-host", req.Key)
}

func TestVolumesAndPerVolumeCapacity(t *testing.T) {
	plan, err := localpv.New("pool", localpv.Spec{
		Nodes: []string{"node-0"}, Path: "/mnt/a", Capacity: "10Gi",
		Volumes: []localpv.Volume{
			{Node: "node-0", Path: "/mnt/b", Capacity: "50Gi"},
			{Node: "node-1", Path: "/dev/sdb"},
		},
	})
	require.NoError(t, err)
	require.Len(t, plan.Volumes, 3)
	var got []string
	for _, pv := range plan.Volumes {
		q := pv.Spec.Capacity[corev1.ResourceStorage]
		got = append(got, pv.Spec.Local.Path+"="+q.String())
	}
	assert.Equal(t, []string{"/mnt/a=10Gi", "/mnt/b=50Gi", "/dev/sdb=10Gi"}, got, "nodes first, then volumes, in the order given")
	assert.NotEqual(t, plan.Volumes[0].Name, plan.Volumes[1].Name, "two disks on one node get distinct names")
	assert.Equal(t, []string{"node-0", "node-1"}, plan.DistinctNodes())
}

func TestBlockMode(t *testing.T) {
	plan, err := localpv.New("pool", localpv.Spec{
		Nodes: []string{"node-0"}, Path: "/dev/nvme1n1", Capacity: "1Ti", VolumeMode: corev1.PersistentVolumeBlock,
	})
	require.NoError(t, err)
	assert.Equal(t, corev1.PersistentVolumeBlock, *plan.Volumes[0].Spec.VolumeMode)
	assert.Nil(t, plan.Volumes[0].Spec.Local.FSType)
}

func TestVolumeNamesStable(t *testing.T) {
	names := func(nodes ...string) map[string]string {
		s := threeNodes()
		s.Nodes = nodes
		plan, err := localpv.New("pool", s)
		require.NoError(t, err)
		out := map[string]string{}
		for _, pv := range plan.Volumes {
			out[pv.Labels[localpv.NodeLabel]] = pv.Name
		}
		return out
	}
	base := names("node-0", "node-1", "node-2")
	assert.Equal(t, base, names("node-2", "node-0", "node-1"), "reordering keeps every name")
	grown := names("node-3", "node-0", "node-1", "node-2")
	for node, name := range base {
		assert.Equal(t, name, grown[node], "adding a node keeps %s's volume", node)
	}
	assert.Len(t, grown, 4)

	// The name depends on node and cleaned path, nothing else.
	a := localpv.VolumeName("pool", localpv.Volume{Node: "node-0", Path: "/mnt/disks/ssd0", Capacity: "1Gi"})
	assert.Equal(t, a, localpv.VolumeName("pool", localpv.Volume{Node: "node-0", Path: "/mnt/disks/ssd0/", Capacity: "2Gi"}))
	assert.NotEqual(t, a, localpv.VolumeName("pool", localpv.Volume{Node: "node-0", Path: "/mnt/disks/ssd1"}))
	assert.NotEqual(t, a, localpv.VolumeName("other", localpv.Volume{Node: "node-0", Path: "/mnt/disks/ssd0"}))
}

func TestVolumeNameLength(t *testing.T) {
	tests := []struct {
		name  string
		class string
		node  string
	}{
		{"plain", "pool", "node-0"},
		{"dots and underscores", "local-ssd", "Worker_1.example.com"},
		{"empty node", "pool", ""},
		{"lower-casing grows the node (U+0130)", "pool", "\u0130\u0130"},
		{"lower-casing shrinks the node (Kelvin sign)", "pool", "\u212a"},
		{"not UTF-8", "pool", "n\xffode"},
		{"long class", strings.Repeat("c", 250), "node-0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := localpv.Volume{Node: tt.node, Path: "/mnt/disks/ssd0"}
			assert.Equal(t, len(localpv.VolumeName(tt.class, v)), localpv.VolumeNameLength(tt.class, v))
		})
	}
}

func TestNodeLabels(t *testing.T) {
	tests := []struct {
		name string
		pool map[string]string
	}{
		{"pool labels", map[string]string{labels.Instance: "pool", "team": "data"}},
		{"no pool labels", nil},
		{"empty pool labels", map[string]string{}},
		{"a pool label named like the node label", map[string]string{localpv.NodeLabel: "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := localpv.NodeLabels(tt.pool, "node-0")
			assert.Equal(t, labels.Merge(tt.pool, map[string]string{localpv.NodeLabel: "node-0"}), got)
			got["new"] = "x"
			assert.NotContains(t, tt.pool, "new", "a new map")
		})
	}
}

func TestEntriesWithoutTheList(t *testing.T) {
	tests := []struct {
		name string
		spec localpv.Spec
	}{
		{"none", localpv.Spec{}},
		{"nodes", threeNodes()},
		{"volumes", localpv.Spec{Volumes: []localpv.Volume{{Node: "a", Path: "/x", Capacity: "1Gi"}, {Node: "b", Path: "/y"}}}},
		{"both", localpv.Spec{Nodes: []string{"n0", "n1"}, Path: "/p", Volumes: []localpv.Volume{{Node: "a", Path: "/x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.spec.Entries()
			if len(want) == 0 {
				want = nil
			}
			assert.Equal(t, want, localpv.EntriesSeq(tt.spec))
			var nodes []string
			for _, v := range want {
				nodes = append(nodes, v.Node)
			}
			assert.Equal(t, nodes, localpv.EntryNodes(tt.spec))
		})
	}
}

func TestVolumeNameTooLong(t *testing.T) {
	s := threeNodes()
	s.Nodes = []string{"node-0"}
	s.StorageClassName = strings.Repeat("c", 239) // "<class>-node-0-<6>" is 253 characters
	_, err := localpv.New("pool", s)
	require.NoError(t, err)

	s.StorageClassName += "c"
	_, err = localpv.New("pool", s)
	var verr *validation.Error
	require.ErrorAs(t, err, &verr)
	require.Len(t, verr.Problems, 1)
	assert.Equal(t, "spec.nodes[0]", verr.Problems[0].Field)
	assert.Equal(t, "makes the PersistentVolume name 254 characters long, more than 253; use a shorter storageClassName", verr.Problems[0].Detail)
}

func TestVolumeNameSanitizesNode(t *testing.T) {
	tests := []struct {
		node, prefix string
	}{
		{"node-0", "pool-node-0-"},
		{"ip-10-0-0-1.ec2.internal", "pool-ip-10-0-0-1-ec2-internal-"},
		{"Worker_1", "pool-worker-1-"},
	}
	for _, tt := range tests {
		t.Run(tt.node, func(t *testing.T) {
			name := localpv.VolumeName("pool", localpv.Volume{Node: tt.node, Path: "/mnt/a"})
			assert.True(t, strings.HasPrefix(name, tt.prefix), name)
			assert.Len(t, name, len(tt.prefix)+6)
			assert.Empty(t, k8svalidation.IsDNS1123Subdomain(name))
		})
	}
	// Nodes that sanitize alike still get distinct names.
	assert.NotEqual(t,
		localpv.VolumeName("pool", localpv.Volume{Node: "Worker_1", Path: "/mnt/a"}),
		localpv.VolumeName("pool", localpv.Volume{Node: "worker-1", Path: "/mnt/a"}))
}

func TestCapacityAndFits(t *testing.T) {
	plan, err := localpv.New("pool", localpv.Spec{
		Capacity: "10Gi",
		Volumes: []localpv.Volume{
			{Node: "node-0", Path: "/mnt/a"},
			{Node: "node-0", Path: "/mnt/b", Capacity: "100Gi"},
			{Node: "node-1", Path: "/mnt/a", Capacity: "100Gi"},
			{Node: "node-2", Path: "/mnt/a", Capacity: "500Mi"},
		},
	})
	require.NoError(t, err)
	total := plan.TotalCapacity()
	assert.Equal(t, 0, total.Cmp(resource.MustParse("215540Mi")), total.String())

	tests := []struct {
		size           string
		volumes, nodes int
	}{
		{"500Mi", 4, 3},
		{"10Gi", 3, 2},
		{"11Gi", 2, 2},
		{"100Gi", 2, 2},
		{"101Gi", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.size, func(t *testing.T) {
			v, n := plan.Fits(resource.MustParse(tt.size))
			assert.Equal(t, tt.volumes, v, "volumes")
			assert.Equal(t, tt.nodes, n, "nodes")
		})
	}
}

func TestBuildDoesNotShareCallerState(t *testing.T) {
	s := threeNodes()
	s.Labels = map[string]string{"tier": "fast"}
	plan, err := localpv.New("pool", s)
	require.NoError(t, err)
	plan.Volumes[0].Labels["tier"] = "changed"
	assert.Equal(t, "fast", s.Labels["tier"])
	assert.Equal(t, "fast", plan.Volumes[1].Labels["tier"])
}

type problem struct{ Field, Contains string }

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		spec localpv.Spec
		want []problem
	}{
		{"no volumes", localpv.Spec{Capacity: "1Gi"}, []problem{{"spec.nodes", "list the nodes that have a local disk (with path), or give volumes"}}},
		{"existing class made the default", func() localpv.Spec {
			s := threeNodes()
			s.ExistingStorageClass, s.DefaultClass = true, true
			return s
		}(), []problem{{"spec.defaultClass", "cannot make it the default"}}},
		{"class name not DNS-1123", func() localpv.Spec { s := threeNodes(); s.StorageClassName = "Local_SSD"; return s }(),
			[]problem{{"spec.storageClassName", "must be a lower-case RFC 1123 subdomain"}}},
		{"class name too long", func() localpv.Spec { s := threeNodes(); s.StorageClassName = strings.Repeat("a", 254); return s }(),
			[]problem{{"spec.storageClassName", "no more than 253 characters"}}},
		{"nodes without path", localpv.Spec{Nodes: []string{"node-0"}, Capacity: "1Gi"},
			[]problem{{"spec.path", `set the mount point of the disk on the node, e.g. "/mnt/disks/ssd0"`}}},
		{"block nodes without path", localpv.Spec{Nodes: []string{"node-0"}, Capacity: "1Gi", VolumeMode: corev1.PersistentVolumeBlock},
			[]problem{{"spec.path", `the block device on the node, e.g. "/dev/nvme1n1"`}}},
		{"relative path", localpv.Spec{Nodes: []string{"node-0"}, Path: "mnt/disk", Capacity: "1Gi"},
			[]problem{{"spec.path", "must be an absolute path on the node"}}},
		{"path with ..", localpv.Spec{Nodes: []string{"node-0"}, Path: "/mnt/../etc", Capacity: "1Gi"},
			[]problem{{"spec.path", `must be a clean absolute path below "/" (no ".."`}}},
		{"root path", localpv.Spec{Nodes: []string{"node-0"}, Path: "/", Capacity: "1Gi"},
			[]problem{{"spec.path", "must be a clean absolute path"}}},
		{"path without nodes", localpv.Spec{Path: "/mnt/a", Volumes: []localpv.Volume{{Node: "n", Path: "/mnt/b", Capacity: "1Gi"}}},
			[]problem{{"spec.path", "path applies to nodes; list nodes, or set path on each entry of volumes"}}},
		{"nodes without capacity", localpv.Spec{Nodes: []string{"node-0"}, Path: "/mnt/a"},
			[]problem{{"spec.capacity", `set the size of each disk, e.g. "100Gi"`}}},
		{"bad capacity", func() localpv.Spec { s := threeNodes(); s.Capacity = "lots"; return s }(),
			[]problem{{"spec.capacity", `must be a Kubernetes quantity such as "10Gi"`}}},
		{"zero capacity", func() localpv.Spec { s := threeNodes(); s.Capacity = "0Gi"; return s }(),
			[]problem{{"spec.capacity", "must be greater than zero"}}},
		{"empty node", localpv.Spec{Nodes: []string{"node-0", ""}, Path: "/mnt/a", Capacity: "1Gi"},
			[]problem{{"spec.nodes[1]", `set the node's hostname label value, e.g. "node-0"`}}},
		{"node not a label value", localpv.Spec{Nodes: []string{"node 0"}, Path: "/mnt/a", Capacity: "1Gi"},
			[]problem{{"spec.nodes[0]", "must be a node label value"}}},
		{"duplicate node", localpv.Spec{Nodes: []string{"node-0", "node-1", "node-0"}, Path: "/mnt/a", Capacity: "1Gi"},
			[]problem{{"spec.nodes[2]", "spec.nodes[0] already has a volume at this path; list each node once"}}},
		{"volume repeats a node's path", localpv.Spec{Nodes: []string{"node-0"}, Path: "/mnt/a", Capacity: "1Gi", Volumes: []localpv.Volume{{Node: "node-0", Path: "/mnt/a/"}}},
			[]problem{{"spec.volumes[0].path", "must be a clean absolute path"}, {"spec.volumes[0]", "spec.nodes[0] already describes this node and path; remove one"}}},
		{"volume without capacity", localpv.Spec{Volumes: []localpv.Volume{{Node: "node-0", Path: "/mnt/a"}}},
			[]problem{{"spec.volumes[0].capacity", "set capacity here or the pool's capacity"}}},
		{"volume with bad capacity", localpv.Spec{Volumes: []localpv.Volume{{Node: "node-0", Path: "/mnt/a", Capacity: "1 GB"}}},
			[]problem{{"spec.volumes[0].capacity", "must be a Kubernetes quantity"}}},
		{"volume without node and path", localpv.Spec{Capacity: "1Gi", Volumes: []localpv.Volume{{}}},
			[]problem{{"spec.volumes[0].node", "set the node's hostname label value"}, {"spec.volumes[0].path", "set the mount point"}}},
		{"unsupported access mode", func() localpv.Spec {
			s := threeNodes()
			s.AccessModes = []corev1.PersistentVolumeAccessMode{"ReadWriteSometimes"}
			return s
		}(), []problem{{"spec.accessModes[0]", `use one of "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`}}},
		{"unsupported volume mode", func() localpv.Spec { s := threeNodes(); s.VolumeMode = "Raw"; return s }(),
			[]problem{{"spec.volumeMode", `use one of "Block", "Filesystem"`}}},
		{"fsType on block", localpv.Spec{Nodes: []string{"node-0"}, Path: "/dev/sdb", Capacity: "1Gi", VolumeMode: corev1.PersistentVolumeBlock, FSType: "ext4"},
			[]problem{{"spec.fsType", "a Block volume has no filesystem; remove fsType or use volumeMode Filesystem"}}},
		{"unsupported reclaim policy", func() localpv.Spec { s := threeNodes(); s.ReclaimPolicy = "Recycle"; return s }(),
			[]problem{{"spec.reclaimPolicy", `use one of "Delete", "Retain"`}}},
		{"bad node label key", func() localpv.Spec { s := threeNodes(); s.NodeLabelKey = "host name"; return s }(),
			[]problem{{"spec.nodeLabelKey", `must be a label key such as "kubernetes.io/hostname"`}}},
		{"bad labels and annotations", func() localpv.Spec {
			s := threeNodes()
			s.Labels = map[string]string{"tier": "very fast"}
			s.Annotations = map[string]string{"bad key": "x"}
			return s
		}(), []problem{{"spec.labels[tier]", "label value"}, {"spec.annotations[bad key]", "annotation key"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := localpv.New("pool", tt.spec)
			assert.Nil(t, plan)
			validationtest.Assert(t, err, localpv.Kind, tt.want)
		})
	}
}

func TestValidationReportsEverythingAtOnce(t *testing.T) {
	_, err := localpv.New("pool", localpv.Spec{
		StorageClassName: "Bad",
		Nodes:            []string{"node-0", "node-0"},
		Path:             "relative",
		Capacity:         "-5Gi",
		ReclaimPolicy:    "Recycle",
	})
	validationtest.Assert(t, err, localpv.Kind, []problem{
		{"spec.storageClassName", "RFC 1123"},
		{"spec.path", "absolute path"},
		{"spec.capacity", "greater than zero"},
		{"spec.nodes[1]", "list each node once"},
		{"spec.reclaimPolicy", "use one of"},
	})
	assert.True(t, strings.HasPrefix(err.Error(), `LocalVolumePool "pool": 5 invalid arguments:`), err.Error())
}

// Unchecked plans what the checks refuse, without panicking: a capacity
// that is missing or does not parse is zero.
func TestUncheckedPlansWhatTheChecksRefuse(t *testing.T) {
	spec := localpv.Spec{Nodes: []string{"node-0"}, Path: "/mnt/disks/ssd0", Volumes: []localpv.Volume{{Node: "node-1", Path: "/mnt/disks/ssd0", Capacity: "lots"}}}
	_, err := localpv.New("disks", spec)
	require.Error(t, err)
	p := localpv.Unchecked("disks", spec)
	require.Len(t, p.Capacities, 2)
	assert.True(t, p.Capacities[0].IsZero())
	assert.True(t, p.Capacities[1].IsZero())
}

// The pool's own class carries the owner marker Kubernetes never lets
// change, so applying it over a class someone else made is refused; with
// ExistingStorageClass the pool plans no class at all.
func TestStorageClassOwnership(t *testing.T) {
	own, err := localpv.New("pool", threeNodes())
	require.NoError(t, err)
	require.NotNil(t, own.StorageClass)
	assert.Equal(t, map[string]string{localpv.OwnerParameter: "pool"}, own.StorageClass.Parameters)
	assert.Equal(t, "proj/dev/pool", localpv.Owner("proj", "dev", "pool"))

	spec := threeNodes()
	spec.StorageClassName = "local-storage"
	spec.ExistingStorageClass = true
	existing, err := localpv.New("pool", spec)
	require.NoError(t, err)
	assert.Nil(t, existing.StorageClass, "an existing class is neither planned nor owned")
	require.Len(t, existing.Volumes, 3)
	for _, pv := range existing.Volumes {
		assert.Equal(t, "local-storage", pv.Spec.StorageClassName, pv.Name)
	}
}
