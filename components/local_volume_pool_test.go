package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8score "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

func TestLocalVolumePool(t *testing.T) {
	type wantPV struct {
		node, path, capacity string
	}
	tests := []struct {
		name string
		spec localpv.Spec

		wantClass    string
		wantReclaim  string
		wantMode     string
		wantMount    []any
		wantDefault  bool
		wantFSType   string
		wantLabelKey string
		wantPVs      []wantPV
		wantTotal    string
		wantNodes    []string
	}{
		{
			name:         "nodes with one path",
			spec:         poolSpec(),
			wantClass:    "disks",
			wantReclaim:  "Retain",
			wantMode:     "Filesystem",
			wantLabelKey: "kubernetes.io/hostname",
			wantPVs: []wantPV{
				{"node-a", "/mnt/disks/ssd0", "10Gi"},
				{"node-b", "/mnt/disks/ssd0", "10Gi"},
				{"node-c", "/mnt/disks/ssd0", "10Gi"},
			},
			wantTotal: "30Gi",
			wantNodes: []string{"node-a", "node-b", "node-c"},
		},
		{
			name: "explicit volumes, several per node, own class name and options",
			spec: localpv.Spec{
				StorageClassName: "fast-local",
				Volumes: []localpv.Volume{
					{Node: "node-b", Path: "/mnt/nvme0", Capacity: "100Gi"},
					{Node: "node-a", Path: "/mnt/nvme0"},
					{Node: "node-a", Path: "/mnt/nvme1"},
				},
				Capacity:      "50Gi",
				ReclaimPolicy: k8score.PersistentVolumeReclaimDelete,
				NodeLabelKey:  "example.com/host",
				MountOptions:  []string{"noatime"},
				FSType:        "xfs",
				DefaultClass:  true,
			},
			wantClass:    "fast-local",
			wantReclaim:  "Delete",
			wantMode:     "Filesystem",
			wantMount:    []any{"noatime"},
			wantDefault:  true,
			wantFSType:   "xfs",
			wantLabelKey: "example.com/host",
			wantPVs: []wantPV{
				{"node-b", "/mnt/nvme0", "100Gi"},
				{"node-a", "/mnt/nvme0", "50Gi"},
				{"node-a", "/mnt/nvme1", "50Gi"},
			},
			wantTotal: "200Gi",
			wantNodes: []string{"node-a", "node-b"},
		},
		{
			name: "block devices",
			spec: localpv.Spec{
				Nodes: []string{"n1"}, Path: "/dev/nvme1n1", Capacity: "1Ti",
				VolumeMode: k8score.PersistentVolumeBlock,
			},
			wantClass:    "disks",
			wantReclaim:  "Retain",
			wantMode:     "Block",
			wantLabelKey: "kubernetes.io/hostname",
			wantPVs:      []wantPV{{"n1", "/dev/nvme1n1", "1Ti"}},
			wantTotal:    "1Ti",
			wantNodes:    []string{"n1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pool *LocalVolumePool
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				var err error
				pool, err = NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: tt.spec})
				return err
			})

			wantChildren := []string{kubetypes.StorageClass + "::disks-class"}
			var wantNames []string
			for _, pv := range tt.wantPVs {
				name := localpv.VolumeName(tt.wantClass, localpv.Volume{Node: pv.node, Path: pv.path})
				wantNames = append(wantNames, name)
				wantChildren = append(wantChildren, kubetypes.PersistentVolume+"::"+name)
			}
			requireChildrenOf(t, rec, LocalVolumePoolType, "disks", wantChildren)
			assert.Equal(t, len(wantChildren)+1, rec.Count())

			sc := rec.Find(t, kubetypes.StorageClass, "disks-class")
			assert.Equal(t, tt.wantClass, sc.Get(t, "metadata.name"))
			assert.False(t, sc.Has("metadata.namespace"), "StorageClass is cluster-scoped")
			assert.Equal(t, "kubernetes.io/no-provisioner", sc.Get(t, "provisioner"))
			assert.Equal(t, "WaitForFirstConsumer", sc.Get(t, "volumeBindingMode"))
			assert.Equal(t, tt.wantReclaim, sc.Get(t, "reclaimPolicy"))
			if tt.wantMount == nil {
				assert.False(t, sc.Has("mountOptions"))
			} else {
				assert.Equal(t, tt.wantMount, sc.Get(t, "mountOptions"))
				assert.Equal(t, tt.wantMount, rec.ByType(kubetypes.PersistentVolume)[0].Get(t, "spec.mountOptions"))
			}
			isDefault, _ := sc.Lookup(`metadata.annotations["storageclass.kubernetes.io/is-default-class"]`)
			if tt.wantDefault {
				assert.Equal(t, "true", isDefault)
			} else {
				assert.Nil(t, isDefault)
			}
			assert.Equal(t, "storage", sc.Get(t, `metadata.labels["app.kubernetes.io/component"]`))
			assert.Equal(t, "disks", sc.Get(t, `metadata.labels["app.kubernetes.io/instance"]`))

			require.Len(t, pool.Volumes, len(tt.wantPVs))
			for i, want := range tt.wantPVs {
				pv := rec.Find(t, kubetypes.PersistentVolume, wantNames[i])
				assert.Equal(t, wantNames[i], pv.Get(t, "metadata.name"), "Pulumi name = object name")
				assert.False(t, pv.Has("metadata.namespace"), "PV is cluster-scoped")
				assert.Equal(t, want.node, pv.Get(t, `metadata.labels["ordinal.dev/node"]`))
				assert.Equal(t, want.path, pv.Get(t, "spec.local.path"))
				if tt.wantFSType != "" {
					assert.Equal(t, tt.wantFSType, pv.Get(t, "spec.local.fsType"))
				} else {
					assert.False(t, pv.Has("spec.local.fsType"))
				}
				assert.Equal(t, want.capacity, pv.Get(t, "spec.capacity.storage"))
				assert.Equal(t, tt.wantClass, pv.Get(t, "spec.storageClassName"))
				assert.Equal(t, tt.wantReclaim, pv.Get(t, "spec.persistentVolumeReclaimPolicy"))
				assert.Equal(t, tt.wantMode, pv.Get(t, "spec.volumeMode"))
				assert.Equal(t, []any{"ReadWriteOnce"}, pv.Get(t, "spec.accessModes"))
				terms := pv.Get(t, "spec.nodeAffinity.required.nodeSelectorTerms")
				require.Len(t, terms, 1)
				assert.Equal(t, []any{map[string]any{
					"key": tt.wantLabelKey, "operator": "In", "values": []any{want.node},
				}}, pv.Get(t, "spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions"))
			}

			assert.Equal(t, tt.wantClass, ordinaltest.Await[string](t, pool.StorageClassName))
			assert.Equal(t, wantNames, ordinaltest.Await[[]string](t, pool.VolumeNames), "in the order of the entries")
			assert.Equal(t, tt.wantTotal, ordinaltest.Await[string](t, pool.TotalCapacity))
			assert.Equal(t, tt.wantNodes, ordinaltest.Await[[]string](t, pool.Nodes))
		})
	}
}

func TestLocalVolumePoolProtection(t *testing.T) {
	tests := []struct {
		protection                     Protection
		wantRetain, wantPro, wantGuard bool
	}{
		{protection: "", wantRetain: true},
		{protection: ProtectRetainOnDelete, wantRetain: true},
		{protection: ProtectStrict, wantPro: true},
		{protection: ProtectNone, wantGuard: true},
	}
	for _, tt := range tests {
		t.Run("protection="+string(tt.protection), func(t *testing.T) {
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				_, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: poolSpec(), Protection: tt.protection})
				return err
			})
			sc := rec.Find(t, kubetypes.StorageClass, "disks-class")
			pvs := rec.ByType(kubetypes.PersistentVolume)
			require.Len(t, pvs, 3)
			for _, pv := range pvs {
				o := pv.Options
				assert.Equal(t, tt.wantRetain, o.RetainOnDelete, pv.Name)
				assert.Equal(t, tt.wantPro, o.Protect, pv.Name)
				assert.True(t, o.DeleteBeforeReplace, "same name: delete before re-create")
				assert.Equal(t, []string{"spec.nodeAffinity", "spec.local", "spec.volumeMode"}, o.ReplaceOnChanges)
				assert.Equal(t, []string{sc.URN}, o.Dependencies, "PVs wait for their class")
			}
			// The class is never protected: it holds no data.
			assert.False(t, sc.Options.Protect)
			assert.False(t, sc.Options.RetainOnDelete)
			assert.True(t, sc.Options.DeleteBeforeReplace)
			assert.Equal(t, []string{"provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"}, sc.Options.ReplaceOnChanges)

			// Only PVs Pulumi may delete are guarded (localpv.KeepBound); the
			// binding waits for every PV, so a destroy deletes it first.
			policies := rec.ByType(kubetypes.ValidatingAdmissionPolicy)
			bindings := rec.ByType(kubetypes.ValidatingAdmissionPolicyBinding)
			if !tt.wantGuard {
				assert.Empty(t, policies)
				assert.Empty(t, bindings)
				return
			}
			policy := rec.Find(t, kubetypes.ValidatingAdmissionPolicy, "disks-keep-bound")
			binding := rec.Find(t, kubetypes.ValidatingAdmissionPolicyBinding, "disks-keep-bound-binding")
			assert.Equal(t, "disks-keep-bound-volumes", policy.Get(t, "metadata.name"))
			assert.Equal(t, "disks-keep-bound-volumes", binding.Get(t, "spec.policyName"))
			want := []string{policy.URN}
			for _, pv := range pvs {
				want = append(want, pv.URN)
			}
			assert.ElementsMatch(t, want, binding.Options.Dependencies)
			assert.Equal(t, "DELETE", policy.Get(t, "spec.matchConstraints.resourceRules[0].operations[0]"))
			assert.Equal(t, "persistentvolumes", policy.Get(t, "spec.matchConstraints.resourceRules[0].resources[0]"))
			assert.Equal(t, "disks", policy.Get(t, `spec.matchConstraints.objectSelector.matchLabels["app.kubernetes.io/instance"]`))
		})
	}
}

// The option functions are public so programs and tests can inspect them
// without an engine.
func TestPoolOptionFunctions(t *testing.T) {
	parent, class := &LocalVolumePool{}, &LocalVolumePool{}
	sc, err := pulumi.NewResourceOptions(StorageClassOptions(parent)...)
	require.NoError(t, err)
	assert.Same(t, parent, sc.Parent)
	assert.True(t, sc.DeleteBeforeReplace)
	assert.Equal(t, []string{"provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"}, sc.ReplaceOnChanges)
	assert.False(t, sc.Protect)
	assert.False(t, sc.RetainOnDelete)

	tests := []struct {
		protection          Protection
		wantRetain, wantPro bool
	}{
		{"", true, false},
		{ProtectRetainOnDelete, true, false},
		{ProtectStrict, false, true},
		{ProtectNone, false, false},
	}
	for _, tt := range tests {
		t.Run("protection="+string(tt.protection), func(t *testing.T) {
			o, err := pulumi.NewResourceOptions(VolumeOptions(parent, class, tt.protection)...)
			require.NoError(t, err)
			assert.Same(t, parent, o.Parent)
			require.Len(t, o.DependsOn, 1)
			assert.Same(t, class, o.DependsOn[0])
			assert.Equal(t, tt.wantRetain, o.RetainOnDelete)
			assert.Equal(t, tt.wantPro, o.Protect)
			assert.True(t, o.DeleteBeforeReplace)
			assert.Equal(t, []string{"spec.nodeAffinity", "spec.local", "spec.volumeMode"}, o.ReplaceOnChanges)
		})
	}
}

// With ExistingStorageClass the pool registers PVs only: no StorageClass
// that `pulumi destroy` could delete, PVs without a dependency on one, and
// the existing class's name as output. A cluster on the pool claims it.
func TestLocalVolumePoolExistingStorageClass(t *testing.T) {
	spec := poolSpec()
	spec.StorageClassName = "local-storage"
	spec.ExistingStorageClass = true
	var pool *LocalVolumePool
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		if pool, err = NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: spec}); err != nil {
			return err
		}
		_, err = NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{Spec: dbSpec(), Pool: pool,
			Image: pulumi.String("db:1"), SecretData: map[string]pulumi.StringInput{"password": pulumi.String("pw")}})
		return err
	})
	assert.Empty(t, rec.ByType(kubetypes.StorageClass))
	assert.Nil(t, pool.StorageClass)
	pvs := rec.ByType(kubetypes.PersistentVolume)
	require.Len(t, pvs, 3)
	for _, pv := range pvs {
		assert.Equal(t, "local-storage", pv.Get(t, "spec.storageClassName"), pv.Name)
		assert.Empty(t, pv.Options.Dependencies, "no class of the pool's own to wait for")
	}
	assert.Equal(t, "local-storage", ordinaltest.Await[string](t, pool.StorageClassName))
	sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
	assert.Equal(t, "local-storage", sts.Get(t, "spec.volumeClaimTemplates[0].spec.storageClassName"))
}

// The component's class marks the stack as its owner, so a pool of the same
// name in another stack cannot take the class over either.
func TestLocalVolumePoolOwnerMarker(t *testing.T) {
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: poolSpec()})
		return err
	})
	sc := rec.Find(t, kubetypes.StorageClass, "disks-class")
	assert.Equal(t, map[string]any{localpv.OwnerParameter: "test/dev/disks"}, sc.Get(t, "parameters"))
}
