package labels_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ordinal-dev/ordinal/pkg/labels"
)

func TestSelector(t *testing.T) {
	id := labels.Identity{Name: "cockroachdb", Instance: "db", Component: "database", PartOf: "shop", Version: "v24.1"}
	// Only the immutable pair: anything a user may edit later (version,
	// part-of, name) would force the StatefulSet to be replaced.
	assert.Equal(t, map[string]string{
		labels.Instance:  "db",
		labels.Component: "database",
	}, id.Selector())
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name  string
		id    labels.Identity
		extra map[string]string
		want  map[string]string
	}{
		{
			name: "name defaults to instance",
			id:   labels.Identity{Instance: "db", Component: "database"},
			want: map[string]string{
				labels.Name: "db", labels.Instance: "db", labels.Component: "database", labels.ManagedBy: "ordinal",
			},
		},
		{
			name: "all recommended labels",
			id:   labels.Identity{Name: "zookeeper", Instance: "zk", Component: "database", PartOf: "kafka", Version: "3.9"},
			want: map[string]string{
				labels.Name: "zookeeper", labels.Instance: "zk", labels.Component: "database",
				labels.ManagedBy: "ordinal", labels.PartOf: "kafka", labels.Version: "3.9",
			},
		},
		{
			name:  "extra labels are kept and may override non-selector labels",
			id:    labels.Identity{Instance: "db", Component: "database", Version: "1"},
			extra: map[string]string{"team": "data", labels.Version: "2", labels.ManagedBy: "me"},
			want: map[string]string{
				labels.Name: "db", labels.Instance: "db", labels.Component: "database",
				labels.ManagedBy: "me", labels.Version: "2", "team": "data",
			},
		},
		{
			name:  "selector labels cannot be overridden",
			id:    labels.Identity{Instance: "db", Component: "database"},
			extra: map[string]string{labels.Instance: "other", labels.Component: "sidecar"},
			want: map[string]string{
				labels.Name: "db", labels.Instance: "db", labels.Component: "database", labels.ManagedBy: "ordinal",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.id.Labels(tt.extra)
			assert.Equal(t, tt.want, got)
			for k, v := range tt.id.Selector() {
				assert.Equal(t, v, got[k], "selector label %s", k)
			}
		})
	}
}

func TestLabelsDoesNotModifyExtra(t *testing.T) {
	extra := map[string]string{labels.Instance: "other"}
	labels.Identity{Instance: "db", Component: "database"}.Labels(extra)
	assert.Equal(t, map[string]string{labels.Instance: "other"}, extra)
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name string
		a, b map[string]string
		want map[string]string
	}{
		{"both nil", nil, nil, nil},
		{"both empty", map[string]string{}, map[string]string{}, nil},
		{"only a", map[string]string{"x": "1"}, nil, map[string]string{"x": "1"}},
		{"only b", nil, map[string]string{"y": "2"}, map[string]string{"y": "2"}},
		{"b wins", map[string]string{"x": "1", "y": "1"}, map[string]string{"y": "2"}, map[string]string{"x": "1", "y": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, labels.Merge(tt.a, tt.b))
		})
	}
}

func TestMergeReturnsNewMap(t *testing.T) {
	a := map[string]string{"x": "1"}
	out := labels.Merge(a, map[string]string{"y": "2"})
	out["z"] = "3"
	assert.Equal(t, map[string]string{"x": "1"}, a)

	for _, tt := range []struct {
		name string
		a, b map[string]string
	}{
		{"only a", map[string]string{"x": "1"}, nil},
		{"only b", map[string]string{}, map[string]string{"y": "2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := labels.Merge(tt.a, tt.b)
			out["z"] = "3"
			assert.NotContains(t, tt.a, "z")
			assert.NotContains(t, tt.b, "z")
		})
	}
}
