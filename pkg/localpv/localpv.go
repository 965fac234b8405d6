package localpv

import (
	"fmt"
	"iter"
	"maps"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Kind is the component kind used in error messages.
const Kind = "LocalVolumePool"

// Provisioner is the StorageClass provisioner of statically created local PVs.
const Provisioner = "kubernetes.io/no-provisioner"

// DefaultNodeLabelKey is the node label local PVs are pinned by.
const DefaultNodeLabelKey = "kubernetes.io/hostname"

// Volume is one local disk: a path on a node.
type Volume struct {
	// Node is the value of the node label (by default the hostname).
	Node string
	// Path is the absolute path of the mounted disk (or block device) on the node.
	Path string
	// Capacity overrides the pool's capacity for this volume, e.g. "100Gi".
	Capacity string
}

// Spec is the plain description of a LocalVolumePool. Give either Nodes with
// Path (one volume per node), Volumes, or both.
type Spec struct {
	// StorageClassName defaults to the component's name.
	StorageClassName string
	// Nodes and Path are the shorthand for one volume per node at Path.
	Nodes []string
	Path  string
	// Volumes lists volumes explicitly, e.g. several disks per node.
	Volumes []Volume
	// Capacity is the size of every volume that does not set its own.
	Capacity string
	// AccessModes default to [ReadWriteOnce].
	AccessModes []corev1.PersistentVolumeAccessMode
	// VolumeMode is Filesystem (default) or Block.
	VolumeMode corev1.PersistentVolumeMode
	// FSType is the filesystem to expect on the disk (Filesystem mode only), optional.
	FSType string
	// ReclaimPolicy is Retain (default) or Delete. Delete only makes sense
	// with an external cleaner; Kubernetes does not wipe local disks.
	ReclaimPolicy corev1.PersistentVolumeReclaimPolicy
	// NodeLabelKey is the node label matched by each PV's nodeAffinity.
	NodeLabelKey string
	// MountOptions are passed to the StorageClass and every PV.
	MountOptions []string
	// DefaultClass marks the StorageClass as the cluster default.
	DefaultClass bool
	// Labels and Annotations are added to the StorageClass and every PV.
	Labels, Annotations map[string]string
}

// Plan is the planned StorageClass and PVs.
type Plan struct {
	Name         string
	Spec         Spec
	StorageClass *storagev1.StorageClass
	Volumes      []*corev1.PersistentVolume
	// Capacities holds each PV's capacity, in the order of Volumes.
	Capacities []resource.Quantity
}

// Defaults returns a copy of spec with defaults applied.
func Defaults(name string, spec Spec) Spec {
	if spec.StorageClassName == "" {
		spec.StorageClassName = name
	}
	if len(spec.AccessModes) == 0 {
		spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
	}
	if spec.VolumeMode == "" {
		spec.VolumeMode = corev1.PersistentVolumeFilesystem
	}
	if spec.ReclaimPolicy == "" {
		spec.ReclaimPolicy = corev1.PersistentVolumeReclaimRetain
	}
	if spec.NodeLabelKey == "" {
		spec.NodeLabelKey = DefaultNodeLabelKey
	}
	return spec
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

// ValidateName records a problem with the component's name, which becomes
// the app.kubernetes.io/instance label of the StorageClass and every PV.
func ValidateName(list *validation.List, name string) {
	l, p := validation.Reporter{List: list}, validation.NewPath("name")
	if name == "" {
		l.Required(p, "set a name such as \"local-ssd\"")
		return
	}
	if msgs := validation.IsValidLabelValue(name); len(msgs) > 0 {
		l.Invalid(p, name, "becomes the label app.kubernetes.io/instance and must be a label value ("+strings.Join(msgs, "; ")+"); use a name such as \"local-ssd\"")
	}
}

// Validate records every problem of spec (defaults applied) under root.
func Validate(l *validation.List, root *field.Path, spec Spec) {
	validate(validation.Reporter{List: l}, validation.FromField(root), spec)
}

func validate(l validation.Reporter, root *validation.Path, spec Spec) {
	classOK := l.DNSSubdomain(root.Child("storageClassName"), spec.StorageClassName)
	if len(spec.Nodes)+len(spec.Volumes) == 0 {
		l.Required(root.Child("nodes"), "list the nodes that have a local disk (with path), or give volumes")
	}
	if len(spec.Nodes) > 0 {
		checkPath(l, root.Child("path"), spec.Path, spec.VolumeMode)
	}
	if spec.Path != "" && len(spec.Nodes) == 0 {
		l.Forbidden(root.Child("path"), "path applies to nodes; list nodes, or set path on each entry of volumes")
	}
	if spec.Capacity != "" {
		l.Quantity(root.Child("capacity"), spec.Capacity)
	}
	// seen holds the entry (in the order of Entries) that first put a
	// volume on each node and path.
	seen := map[string]int{}
	for i, n := range spec.Nodes {
		p := root.Child("nodes").Index(i)
		checkNode(l, p, n)
		key := n + "\x00" + path.Clean(spec.Path)
		if prev, dup := seen[key]; dup {
			l.Duplicate(p, n, entryPath(root, spec, prev)+" already has a volume at this path; list each node once")
		}
		seen[key] = i
	}
	for i, v := range spec.Volumes {
		p := root.Child("volumes").Index(i)
		checkNode(l, p.Child("node"), v.Node)
		checkPath(l, p.Child("path"), v.Path, spec.VolumeMode)
		if v.Capacity != "" {
			l.Quantity(p.Child("capacity"), v.Capacity)
		} else if spec.Capacity == "" {
			l.Required(p.Child("capacity"), "set capacity here or the pool's capacity")
		}
		key := v.Node + "\x00" + path.Clean(v.Path)
		if prev, dup := seen[key]; dup {
			l.Duplicate(p, v.Node+":"+v.Path, entryPath(root, spec, prev)+" already describes this node and path; remove one")
		}
		seen[key] = len(spec.Nodes) + i
	}
	if classOK {
		// PV names are "<class>-<node>-<hash>" and must fit in 253 characters.
		for i, v := range spec.entries() {
			p := root.Child("nodes").Index(i)
			if i >= len(spec.Nodes) {
				p = root.Child("volumes").Index(i - len(spec.Nodes)).Child("node")
			}
			if n := volumeNameLength(spec.StorageClassName, v); v.Node != "" && n > k8svalidation.DNS1123SubdomainMaxLength {
				l.Invalid(p, v.Node, fmt.Sprintf("makes the PersistentVolume name %d characters long, more than %d; use a shorter storageClassName", n, k8svalidation.DNS1123SubdomainMaxLength))
			}
		}
	}
	if len(spec.Nodes) > 0 && spec.Capacity == "" {
		l.Required(root.Child("capacity"), "set the size of each disk, e.g. \"100Gi\"")
	}
	if len(spec.AccessModes) == 0 {
		l.Required(root.Child("accessModes"), "set at least ReadWriteOnce")
	}
	for i, m := range spec.AccessModes {
		switch m {
		case corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod:
			if m == corev1.ReadWriteOncePod && len(spec.AccessModes) > 1 {
				l.Forbidden(root.Child("accessModes").Index(i), "ReadWriteOncePod cannot be combined with other access modes; use it alone")
			}
		default:
			validation.NotSupported(l.List, root.Child("accessModes").Index(i).Field(), m, corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod)
		}
	}
	switch spec.VolumeMode {
	case corev1.PersistentVolumeFilesystem:
	case corev1.PersistentVolumeBlock:
		if spec.FSType != "" {
			l.Forbidden(root.Child("fsType"), "a Block volume has no filesystem; remove fsType or use volumeMode Filesystem")
		}
	default:
		validation.NotSupported(l.List, root.Child("volumeMode").Field(), spec.VolumeMode, corev1.PersistentVolumeFilesystem, corev1.PersistentVolumeBlock)
	}
	switch spec.ReclaimPolicy {
	case corev1.PersistentVolumeReclaimRetain, corev1.PersistentVolumeReclaimDelete:
	default:
		validation.NotSupported(l.List, root.Child("reclaimPolicy").Field(), spec.ReclaimPolicy, corev1.PersistentVolumeReclaimRetain, corev1.PersistentVolumeReclaimDelete)
	}
	for _, msg := range validation.IsQualifiedName(spec.NodeLabelKey) {
		l.Invalid(root.Child("nodeLabelKey"), spec.NodeLabelKey, "must be a label key such as \"kubernetes.io/hostname\" ("+msg+")")
	}
	l.Labels(root.Child("labels"), spec.Labels)
	l.Annotations(root.Child("annotations"), spec.Annotations)
}

// entryPath is the path of entry i of spec.Entries(): spec.nodes[i], or
// spec.volumes[i-len(spec.Nodes)].
func entryPath(root *validation.Path, spec Spec, i int) string {
	if i < len(spec.Nodes) {
		return root.Child("nodes").Index(i).String()
	}
	return root.Child("volumes").Index(i - len(spec.Nodes)).String()
}

func checkNode(l validation.Reporter, p *validation.Path, node string) {
	if node == "" {
		l.Required(p, "set the node's hostname label value, e.g. \"node-0\"")
		return
	}
	for _, msg := range validation.IsValidLabelValue(node) {
		l.Invalid(p, node, "must be a node label value ("+msg+")")
	}
}

func checkPath(l validation.Reporter, p *validation.Path, v string, mode corev1.PersistentVolumeMode) {
	switch {
	case v == "":
		what := "the mount point of the disk on the node, e.g. \"/mnt/disks/ssd0\""
		if mode == corev1.PersistentVolumeBlock {
			what = "the block device on the node, e.g. \"/dev/nvme1n1\""
		}
		l.Required(p, "set "+what)
	case !path.IsAbs(v):
		l.Invalid(p, v, "must be an absolute path on the node, e.g. \"/mnt/disks/ssd0\"")
	case v == "/" || path.Clean(v) != v:
		l.Invalid(p, v, "must be a clean absolute path below \"/\" (no \"..\", \".\", trailing or doubled slashes)")
	case !utf8.ValidString(v):
		l.Invalid(p, "<not UTF-8>", "must be UTF-8 text (JSON, and so the API, cannot carry other bytes)")
	}
}

// New validates spec and plans the pool. name is the component's name.
func New(name string, spec Spec) (*Plan, error) {
	l := validation.New(Kind, name)
	ValidateName(l, name)
	spec = Defaults(name, spec)
	validate(validation.Reporter{List: l}, validation.NewPath("spec"), spec)
	if err := l.Err(); err != nil {
		return nil, err
	}
	return Build(name, spec), nil
}

// Build plans the objects of a validated spec (defaults applied).
func Build(name string, spec Spec) *Plan {
	id := labels.Identity{Instance: name, Component: "storage"}
	objLabels := id.Labels(spec.Labels)
	binding := storagev1.VolumeBindingWaitForFirstConsumer
	reclaim := spec.ReclaimPolicy
	sc := &storagev1.StorageClass{
		TypeMeta: metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        spec.StorageClassName,
			Labels:      objLabels,
			Annotations: labels.Merge(nil, spec.Annotations),
		},
		Provisioner:       Provisioner,
		ReclaimPolicy:     &reclaim,
		VolumeBindingMode: &binding,
		MountOptions:      spec.MountOptions,
	}
	if spec.DefaultClass {
		sc.Annotations = labels.Merge(sc.Annotations, map[string]string{"storageclass.kubernetes.io/is-default-class": "true"})
	}
	plan := &Plan{Name: name, Spec: spec, StorageClass: sc}
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
			q = resource.MustParse(v.Capacity)
		} else {
			if !poolParsed {
				poolCapacity, poolParsed = resource.MustParse(spec.Capacity), true
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
				Name:        VolumeName(spec.StorageClassName, v),
				Labels:      nodeLabels(objLabels, v.Node),
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
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
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
