package localpv

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Kind is the component kind used in error messages.
const Kind = "LocalVolumePool"

// Provisioner is the StorageClass provisioner of statically created local PVs.
const Provisioner = "kubernetes.io/no-provisioner"

// DefaultNodeLabelKey is the node label local PVs are pinned by.
const DefaultNodeLabelKey = "kubernetes.io/hostname"

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
	// ExistingStorageClass uses the StorageClass StorageClassName that
	// already exists in the cluster (made by an administrator, say) instead
	// of creating one: the pool plans only PVs naming it, and never
	// creates, changes or deletes the class. It should use the provisioner
	// kubernetes.io/no-provisioner and volumeBindingMode
	// WaitForFirstConsumer, like the class the pool makes. Without it, a
	// class of that name that the pool did not make is refused by the API
	// server (see OwnerParameter), never taken over.
	ExistingStorageClass bool
	// Labels and Annotations are added to the StorageClass (unless it is an
	// existing one) and every PV.
	Labels, Annotations map[string]string
}

// Plan is the planned StorageClass and PVs.
type Plan struct {
	Name string
	Spec Spec
	// StorageClass is nil with spec.ExistingStorageClass.
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

// New validates spec and plans the pool. name is the component's name.
func New(name string, spec Spec) (*Plan, error) {
	l := validation.New(Kind, name)
	return Make(l, name, spec), l.Err()
}

// Make applies the defaults to spec, records the problems of name and spec
// in l, and plans the pool when l holds no problem at all (nil otherwise):
// a component records its own checks in the same list.
func Make(l *validation.List, name string, spec Spec) *Plan {
	return validation.Plan(l, name, spec, Defaults, validate, build)
}

// Unchecked applies the defaults to spec and plans the pool without
// checking it, to show what the API server says about a spec the checks
// refuse. A capacity that does not parse counts as zero.
func Unchecked(name string, spec Spec) *Plan { return build(name, Defaults(name, spec)) }

// validate records every problem of the name and of spec (defaults applied).
func validate(l *validation.List, name string, spec Spec) {
	// The name becomes the label app.kubernetes.io/instance of the
	// StorageClass and every PV.
	if np := validation.NewPath("name"); name == "" {
		l.Required(np, "set a name such as \"local-ssd\"")
	} else if msgs := validation.IsValidLabelValue(name); len(msgs) > 0 {
		l.Invalid(np, name, "becomes the label app.kubernetes.io/instance and must be a label value ("+strings.Join(msgs, "; ")+"); use a name such as \"local-ssd\"")
	}
	root := validation.NewPath("spec")
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
			if n := volumeNameLength(spec.StorageClassName, v); v.Node != "" && v.Name == "" && n > k8svalidation.DNS1123SubdomainMaxLength {
				l.Invalid(p, v.Node, fmt.Sprintf("makes the PersistentVolume name %d characters long, more than %d; use a shorter storageClassName", n, k8svalidation.DNS1123SubdomainMaxLength))
			}
		}
	}
	checkVolumeNames(l, root, spec)
	if len(spec.Nodes) > 0 && spec.Capacity == "" {
		l.Required(root.Child("capacity"), "set the size of each disk, e.g. \"100Gi\"")
	}
	l.AccessModes(root.Child("accessModes"), spec.AccessModes)
	switch spec.VolumeMode {
	case corev1.PersistentVolumeFilesystem:
	case corev1.PersistentVolumeBlock:
		if spec.FSType != "" {
			l.Forbidden(root.Child("fsType"), "a Block volume has no filesystem; remove fsType or use volumeMode Filesystem")
		}
	default:
		validation.NotSupported(l, root.Child("volumeMode"), spec.VolumeMode, corev1.PersistentVolumeFilesystem, corev1.PersistentVolumeBlock)
	}
	switch spec.ReclaimPolicy {
	case corev1.PersistentVolumeReclaimRetain, corev1.PersistentVolumeReclaimDelete:
	default:
		validation.NotSupported(l, root.Child("reclaimPolicy"), spec.ReclaimPolicy, corev1.PersistentVolumeReclaimRetain, corev1.PersistentVolumeReclaimDelete)
	}
	for _, msg := range validation.IsQualifiedName(spec.NodeLabelKey) {
		l.Invalid(root.Child("nodeLabelKey"), spec.NodeLabelKey, "must be a label key such as \"kubernetes.io/hostname\" ("+msg+")")
	}
	l.Labels(root.Child("labels"), spec.Labels)
	l.Annotations(root.Child("annotations"), spec.Annotations)
	l.AnnotationsSize(root.Child("annotations"), "the StorageClass and every PersistentVolume", spec.Annotations)
	checkExistingStorageClass(l, spec)
}

// entryPath is the path of entry i of spec.Entries(): spec.nodes[i], or
// spec.volumes[i-len(spec.Nodes)].
func entryPath(root *validation.Path, spec Spec, i int) string {
	if i < len(spec.Nodes) {
		return root.Child("nodes").Index(i).String()
	}
	return root.Child("volumes").Index(i - len(spec.Nodes)).String()
}

func checkNode(l *validation.List, p *validation.Path, node string) {
	if node == "" {
		l.Required(p, "set the node's hostname label value, e.g. \"node-0\"")
		return
	}
	for _, msg := range validation.IsValidLabelValue(node) {
		l.Invalid(p, node, "must be a node label value ("+msg+")")
	}
}

func checkPath(l *validation.List, p *validation.Path, v string, mode corev1.PersistentVolumeMode) {
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
