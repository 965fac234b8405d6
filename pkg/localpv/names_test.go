package localpv_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// named is a pool of three disks, the i-th named names[i] ("" generates).
func named(names ...string) localpv.Spec {
	s := localpv.Spec{Capacity: "10Gi"}
	for i, n := range names {
		s.Volumes = append(s.Volumes, localpv.Volume{Node: "node-" + string(rune('0'+i)), Path: "/mnt/disks/ssd0", Name: n})
	}
	return s
}

func TestVolumeNames(t *testing.T) {
	gen := func(node string) string {
		return localpv.VolumeName("bini", localpv.Volume{Node: node, Path: "/mnt/disks/ssd0"})
	}
	tests := []struct {
		name string
		spec localpv.Spec
		want []string
	}{
		{"generated", named("", "", ""), []string{gen("node-0"), gen("node-1"), gen("node-2")}},
		{"named", named("pv-bini-0", "pv-bini-1", "pv-bini-2"), []string{"pv-bini-0", "pv-bini-1", "pv-bini-2"}},
		{"some named", named("pv-bini-0", "", "disk.bini.2"), []string{"pv-bini-0", gen("node-1"), "disk.bini.2"}},
		{"named like the generated name of another", named(gen("node-1"), "pv-bini-1", ""), []string{gen("node-1"), "pv-bini-1", gen("node-2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := localpv.New("bini", tt.spec)
			require.NoError(t, err)
			var got []string
			for _, pv := range p.Volumes {
				got = append(got, pv.Name)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, []string{gen("node-0"), gen("node-1"), gen("node-2")}, p.ResourceNames(),
				"the Pulumi names stay the generated ones")
		})
	}
}

func TestVolumeLabels(t *testing.T) {
	s := named("pv-bini-0", "")
	s.Labels = map[string]string{"app": "bini", "team": "data"}
	s.Volumes[0].Labels = map[string]string{"app": "bini-0", "disk": "nvme"}
	p, err := localpv.New("bini", s)
	require.NoError(t, err)
	first, second := p.Volumes[0].Labels, p.Volumes[1].Labels
	assert.Equal(t, "bini-0", first["app"], "the volume's labels win over the pool's")
	assert.Equal(t, "nvme", first["disk"])
	assert.Equal(t, "data", first["team"])
	assert.Equal(t, "node-0", first[localpv.NodeLabel])
	assert.Equal(t, "bini", first[labels.Instance])
	assert.Equal(t, "bini", second["app"])
	assert.NotContains(t, second, "disk", "labels of one volume only")
	assert.NotContains(t, p.StorageClass.Labels, "disk")

	// An unchecked spec still keeps the labels ordinal sets.
	s.Volumes[0].Labels = map[string]string{labels.Instance: "x", localpv.NodeLabel: "node-9"}
	u := localpv.Unchecked("bini", s)
	assert.Equal(t, "bini", u.Volumes[0].Labels[labels.Instance])
	assert.Equal(t, "node-0", u.Volumes[0].Labels[localpv.NodeLabel])
}

func TestVolumeNamesValidation(t *testing.T) {
	tests := []struct {
		name string
		spec localpv.Spec
		want []problem
	}{
		{"not a subdomain", named("PV_Bini_0", "", ""),
			[]problem{{"spec.volumes[0].name", "must be a lower-case RFC 1123 subdomain"}}},
		{"too long", named(strings.Repeat("p", 254)),
			[]problem{{"spec.volumes[0].name", "no more than 253 characters"}}},
		{"two volumes of one name", named("pv-bini", "pv-bini", ""),
			[]problem{{"spec.volumes[1].name", "spec.volumes[0].name already has a PersistentVolume of this name; give each volume a name of its own"}}},
		{"the generated name of another volume", func() localpv.Spec {
			s := named("", "")
			s.Volumes[1].Name = localpv.VolumeName("bini", s.Volumes[0])
			return s
		}(), []problem{{"spec.volumes[1].name", "spec.volumes[0] already has a PersistentVolume of this name"}}},
		{"the generated name of a node entry", func() localpv.Spec {
			s := named("")
			s.Nodes, s.Path = []string{"node-5"}, "/mnt/a"
			s.Volumes[0].Name = localpv.VolumeName("bini", localpv.Volume{Node: "node-5", Path: "/mnt/a"})
			return s
		}(), []problem{{"spec.volumes[0].name", "spec.nodes[0] already has a PersistentVolume of this name"}}},
		{"a selector label", func() localpv.Spec {
			s := named("")
			s.Volumes[0].Labels = map[string]string{labels.Component: "disk"}
			return s
		}(), []problem{{"spec.volumes[0].labels[app.kubernetes.io/component]", "selects the pool's objects and is set by ordinal; remove it"}}},
		{"the node label", func() localpv.Spec {
			s := named("")
			s.Volumes[0].Labels = map[string]string{localpv.NodeLabel: "node-1"}
			return s
		}(), []problem{{"spec.volumes[0].labels[ordinal.dev/node]", "ordinal sets this label to the volume's node"}}},
		{"an invalid label", func() localpv.Spec {
			s := named("")
			s.Volumes[0].Labels = map[string]string{"disk": "nvme 0"}
			return s
		}(), []problem{{"spec.volumes[0].labels[disk]", "label value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := localpv.New("bini", tt.spec)
			assert.Nil(t, plan)
			validationtest.Assert(t, err, localpv.Kind, tt.want)
		})
	}
}

// TestNamedVolumeNeedsNoShortClass: a class too long for generated PV
// names is fine for volumes that are named.
func TestNamedVolumeNeedsNoShortClass(t *testing.T) {
	s := named("pv-0")
	s.StorageClassName = strings.Repeat("local-ssd.", 24) + "pool"
	_, err := localpv.New("bini", s)
	require.NoError(t, err)
}
