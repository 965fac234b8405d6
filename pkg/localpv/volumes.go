package localpv

import (
	"iter"
	"maps"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// Volume is one local disk: a path on a node.
type Volume struct {
	// Node is the value of the node label (by default the hostname).
	Node string
	// Path is the absolute path of the mounted disk (or block device) on the node.
	Path string
	// Capacity overrides the pool's capacity for this volume, e.g. "100Gi".
	Capacity string
	// Name is the PV's name (metadata.name), e.g. "pv-bini-0"; empty
	// generates one (VolumeName). It must be an RFC 1123 subdomain, unique
	// in the pool. It changes the Kubernetes name only: the PV's Pulumi
	// name stays the generated one (see Plan.ResourceNames). Name a volume
	// before its first `up`: on a live pool a new name is a new PV for the
	// same disk, and the old one, still bound to its claim, is kept by the
	// default protection (or blocks the change, with protect).
	Name string
	// Labels are added to this volume's PV only, over the pool's Labels.
	// They cannot set the labels ordinal sets (app.kubernetes.io/instance,
	// app.kubernetes.io/component, ordinal.dev/node).
	Labels map[string]string
}

// Entries expands Nodes/Path and Volumes into one list, in the order given.
func (s Spec) Entries() []Volume {
	out := make([]Volume, 0, len(s.Nodes)+len(s.Volumes))
	for _, n := range s.Nodes {
		out = append(out, Volume{Node: n, Path: s.Path})
	}
	return append(out, s.Volumes...)
}

// entries yields Entries() with their index, without building the list.
func (s Spec) entries() iter.Seq2[int, Volume] {
	return func(yield func(int, Volume) bool) {
		for i, n := range s.Nodes {
			if !yield(i, Volume{Node: n, Path: s.Path}) {
				return
			}
		}
		for i, v := range s.Volumes {
			if !yield(len(s.Nodes)+i, v) {
				return
			}
		}
	}
}

// node is the node of Entries()[i].
func (s Spec) node(i int) string {
	if i < len(s.Nodes) {
		return s.Nodes[i]
	}
	return s.Volumes[i-len(s.Nodes)].Node
}

// VolumeName is the PV name of a volume: "<class>-<node>-<hash of path>".
// It depends only on node and path, so the list order never matters.
func VolumeName(class string, v Volume) string {
	var stack [128]byte
	name := append(stack[:0], class...)
	name = append(name, '-')
	name = append(name, nodePart(v.Node)...)
	name = append(name, '-')
	n := len(name) + volumeHashLength
	return string(naming.AppendContentHash(name, v.Node, path.Clean(v.Path))[:n])
}

// volumeHashLength is the length of the hash that ends a PV name.
const volumeHashLength = 6

// volumeNameLength is len(VolumeName(class, v)), without hashing.
func volumeNameLength(class string, v Volume) int {
	return len(class) + 1 + len(nodePart(v.Node)) + 1 + volumeHashLength
}

// nodeSeparators turns the characters of a node name that a PV name cannot
// hold into dashes.
var nodeSeparators = strings.NewReplacer(".", "-", "_", "-")

// nodePart is a node name as it appears in a PV name.
func nodePart(node string) string {
	return strings.ToLower(nodeSeparators.Replace(node))
}

// build plans the objects of a checked spec (defaults applied).
func build(name string, spec Spec) *Plan {
	id := labels.Identity{Instance: name, Component: "storage"}
	objLabels := id.Labels(spec.Labels)
	plan := &Plan{Name: name, Spec: spec, StorageClass: storageClass(name, spec, objLabels)}
	if n := len(spec.Nodes) + len(spec.Volumes); n > 0 {
		plan.Volumes = make([]*corev1.PersistentVolume, 0, n)
		plan.Capacities = make([]resource.Quantity, 0, n)
	}
	// The volumes of the pool's capacity share one parse of it.
	var poolCapacity resource.Quantity
	poolParsed := false
	for _, v := range spec.entries() {
		var q resource.Quantity
		if v.Capacity != "" {
			q = quantity(v.Capacity)
		} else {
			if !poolParsed {
				poolCapacity, poolParsed = quantity(spec.Capacity), true
			}
			q = poolCapacity.DeepCopy()
		}
		mode := spec.VolumeMode
		local := &corev1.LocalVolumeSource{Path: v.Path}
		if spec.FSType != "" {
			fs := spec.FSType
			local.FSType = &fs
		}
		pv := &corev1.PersistentVolume{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolume"},
			ObjectMeta: metav1.ObjectMeta{
				Name:        v.name(spec.StorageClassName),
				Labels:      volumeLabels(objLabels, v),
				Annotations: labels.Merge(nil, spec.Annotations),
			},
			Spec: corev1.PersistentVolumeSpec{
				Capacity:                      corev1.ResourceList{corev1.ResourceStorage: q},
				AccessModes:                   spec.AccessModes,
				PersistentVolumeReclaimPolicy: spec.ReclaimPolicy,
				StorageClassName:              spec.StorageClassName,
				VolumeMode:                    &mode,
				MountOptions:                  spec.MountOptions,
				PersistentVolumeSource:        corev1.PersistentVolumeSource{Local: local},
				NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
					NodeSelectorTerms: []corev1.NodeSelectorTerm{{
						MatchExpressions: []corev1.NodeSelectorRequirement{{
							Key: spec.NodeLabelKey, Operator: corev1.NodeSelectorOpIn, Values: []string{v.Node},
						}},
					}},
				}},
			},
		}
		plan.Volumes = append(plan.Volumes, pv)
		plan.Capacities = append(plan.Capacities, q)
	}
	return plan
}

// quantity parses a capacity; one that does not parse (only in an
// unchecked spec) counts as zero.
func quantity(s string) resource.Quantity {
	q, _ := resource.ParseQuantity(s)
	return q
}

// NodeLabel is the label on each PV naming its node, for kubectl selectors.
const NodeLabel = "ordinal.dev/node"

// nodeLabels returns a PV's labels: the pool's, and NodeLabel.
func nodeLabels(pool map[string]string, node string) map[string]string {
	out := maps.Clone(pool)
	if out == nil {
		out = make(map[string]string, 1)
	}
	out[NodeLabel] = node
	return out
}

// DistinctNodes lists the pool's nodes once each, sorted.
func (p *Plan) DistinctNodes() []string {
	set := map[string]bool{}
	for _, v := range p.Spec.Entries() {
		set[v.Node] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// TotalCapacity is the sum of all volumes' capacities.
func (p *Plan) TotalCapacity() resource.Quantity {
	total := resource.Quantity{Format: resource.BinarySI}
	for _, q := range p.Capacities {
		total.Add(q)
	}
	return total
}

// Fits counts the volumes that can hold a claim of the given size, and the
// distinct nodes they are on.
func (p *Plan) Fits(size resource.Quantity) (volumes int, nodes int) {
	set := map[string]bool{}
	for i, q := range p.Capacities {
		if q.Cmp(size) >= 0 {
			volumes++
			set[p.Spec.node(i)] = true
		}
	}
	return volumes, len(set)
}
