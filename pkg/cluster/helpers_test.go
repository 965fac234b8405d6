package cluster_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
)

func TestBelow(t *testing.T) {
	tests := []struct {
		path, dir string
		want      bool
	}{
		{"pod/labels", "pod", true},
		{"pod/labels/app", "pod", true},
		{"pod/labels/app", "pod/labels", true},
		{"pod", "pod", false},
		{"pod", "pod/labels", false},
		{"pods/x", "pod", false},
		{"pod-x", "pod", false},
		{"pod/", "pod", true},
		{"a", "", false},
		{"/a", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path+" in "+tt.dir, func(t *testing.T) {
			assert.Equal(t, tt.want, cluster.Below(tt.path, tt.dir))
		})
	}
}

func TestMountSource(t *testing.T) {
	tests := []struct {
		kind, name, want string
	}{
		{"", "", "the config directory"},
		{"volume", "scratch", fmt.Sprintf("volume %q", "scratch")},
		{"claim", "data", fmt.Sprintf("claim %q", "data")},
		{"volume", "", fmt.Sprintf("volume %q", "")},
		{"claim", "\"odd\"\n\xff", fmt.Sprintf("claim %q", "\"odd\"\n\xff")},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, cluster.MountSource(tt.kind, tt.name))
		})
	}
}

func TestResourcesValid(t *testing.T) {
	q := resource.MustParse
	tests := []struct {
		name string
		r    corev1.ResourceRequirements
		want bool
	}{
		{"none", corev1.ResourceRequirements{}, true},
		{"requests below limits", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("500m"), corev1.ResourceMemory: q("1Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: q("1"), corev1.ResourceMemory: q("1Gi")},
		}, true},
		{"request without a limit", corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("8")}}, true},
		{"request above its limit", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceMemory: q("2Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("1Gi")},
		}, false},
		{"negative request", corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("-1")}}, false},
		{"negative limit", corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("-1")}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cluster.ResourcesValid(tt.r))
		})
	}
}

func TestWithSelector(t *testing.T) {
	id := labels.Identity{Name: "cockroachdb", Instance: "db", Component: "database", Version: "1"}
	tests := []struct {
		name  string
		extra map[string]string
	}{
		{"no extra labels", nil},
		{"extra labels", map[string]string{"tier": "db", "team": "data"}},
		{"extra labels override the selector", map[string]string{labels.Instance: "other"}},
		{"many extra labels", map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "i": "9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cluster.WithSelector(id, tt.extra)
			assert.Equal(t, labels.Merge(id.Selector(), tt.extra), got)
			got["new"] = "x"
			assert.NotContains(t, tt.extra, "new", "a new map")
		})
	}
}
