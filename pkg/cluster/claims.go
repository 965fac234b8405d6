package cluster

import (
	"fmt"
	"maps"
	"path"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Claim is one volumeClaimTemplate and where it is mounted.
type Claim struct {
	// Name of the claim template (and of the pod volume), e.g. "data".
	Name string
	// Size requested, e.g. "10Gi".
	Size string
	// MountPath in the containers; required unless VolumeMode is Block.
	MountPath string
	// DevicePath for Block claims.
	DevicePath string
	// Containers that mount the claim; default: the first container.
	Containers []string
	// StorageClassName overrides the cluster's storage class for this claim.
	StorageClassName string
	// AccessModes default to [ReadWriteOnce].
	AccessModes []corev1.PersistentVolumeAccessMode
	// VolumeMode is Filesystem (default) or Block.
	VolumeMode corev1.PersistentVolumeMode
	// Labels and Annotations of the PVCs, next to the selector labels;
	// Spec.Labels and Spec.Annotations do not reach the claims (see
	// Spec.Labels). Set them when the cluster is created: they are part of
	// the immutable volumeClaimTemplates, so changing them replaces the
	// StatefulSet. With the default orphan deletion
	// (components.DeletionOrphan) the old StatefulSet is deleted without
	// its pods and the new one adopts the running pods and their claims;
	// with components.DeletionBackground every pod is deleted and created
	// again. Either way existing claims keep the labels and annotations
	// they were created with: only claims created later (new replicas)
	// get the new ones.
	Labels, Annotations map[string]string
}

// claimClass is the storage class of claim c: its own, else the class of
// opts, else the pool's. A class supplied at deploy time wins over the
// pool's: Resolve writes it into every claim template that names no class.
// "" means the cluster's default class, or the class supplied at deploy
// time. The claim templates are built with it, and the claims it puts on
// the pool are checked against the pool's volumes.
func claimClass(c Claim, opts Options) string {
	switch {
	case c.StorageClassName != "":
		return c.StorageClassName
	case opts.StorageClassName != "":
		return opts.StorageClassName
	case opts.Pool != nil && !opts.DeployTimeStorageClass:
		return opts.Pool.Spec.StorageClassName
	}
	return ""
}

// claimTemplates plans the StatefulSet's volumeClaimTemplates; the
// containers mount them (containers.go).
func (p *Plan) claimTemplates() []corev1.PersistentVolumeClaim {
	var out []corev1.PersistentVolumeClaim
	for _, c := range p.Spec.Claims {
		pvc := corev1.PersistentVolumeClaim{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
			ObjectMeta: metav1.ObjectMeta{
				Name: c.Name,
				// Only immutable labels: changing a template replaces the StatefulSet.
				Labels:      withSelector(p.Identity, c.Labels),
				Annotations: labels.Merge(nil, c.Annotations),
			},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: c.AccessModes,
				VolumeMode:  new(c.VolumeMode),
				Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: claimSize(c.Size)},
				},
			},
		}
		if class := claimClass(c, p.Options); class != "" {
			pvc.Spec.StorageClassName = &class
		}
		out = append(out, pvc)
	}
	return out
}

// claimSize parses a claim's size; one that does not parse (only in an
// unchecked spec) is zero.
func claimSize(s string) resource.Quantity {
	q, _ := resource.ParseQuantity(s)
	return q
}

// withSelector returns id's selector labels with extra's entries over
// them, in a new map: labels.Merge(id.Selector(), extra) without the
// intermediate map.
func withSelector(id labels.Identity, extra map[string]string) map[string]string {
	out := id.Selector() // a new map
	maps.Copy(out, extra)
	return out
}

// claims checks spec.claims, and that the claims on a LocalVolumePool fit
// its volumes (and nodes, with hard anti-affinity).
func (v *validator) claims(p *validation.Path) {
	names := map[string]int{}
	var onPool []poolClaim
	for i, c := range v.spec.Claims {
		cp := p.Index(i)
		if v.DNSLabel(cp.Child("name"), c.Name) {
			if j, dup := names[c.Name]; dup {
				v.Duplicate(cp.Child("name"), c.Name, fmt.Sprintf("spec.claims[%d] already uses this name", j))
			}
			names[c.Name] = i
		}
		size, sizeOK := v.Quantity(cp.Child("size"), c.Size)
		switch c.VolumeMode {
		case corev1.PersistentVolumeFilesystem:
			v.claimPath(cp, "mountPath", c.MountPath, "set where the containers mount the claim, e.g. \"/var/lib/data\"",
				"devicePath", c.DevicePath, "devicePath applies to volumeMode Block; use mountPath")
		case corev1.PersistentVolumeBlock:
			v.claimPath(cp, "devicePath", c.DevicePath, "set the device path of the Block claim, e.g. \"/dev/xvda\"",
				"mountPath", c.MountPath, "a Block claim is not mounted; use devicePath")
		default:
			validation.NotSupported(v.List, cp.Child("volumeMode"), c.VolumeMode, corev1.PersistentVolumeFilesystem, corev1.PersistentVolumeBlock)
		}
		for j, name := range c.Containers {
			if _, ok := v.containers[name]; !ok {
				v.Invalid(cp.Child("containers").Index(j), name, "names no container in spec.containers")
			}
		}
		v.AccessModes(cp.Child("accessModes"), c.AccessModes)
		if c.StorageClassName != "" {
			v.DNSSubdomain(cp.Child("storageClassName"), c.StorageClassName)
		}
		v.Labels(cp.Child("labels"), c.Labels)
		v.Annotations(cp.Child("annotations"), c.Annotations)
		if pool := v.opts.Pool; pool != nil && sizeOK && v.spec.Replicas >= 1 && claimClass(c, v.opts) == pool.Spec.StorageClassName {
			onPool = append(onPool, poolClaim{index: i, claim: c, size: size})
		}
	}
	v.poolFit(p, onPool)
}

// claimPath checks the path a claim's volume mode needs (at field, with the
// fix required when it is missing), and that the claim does not set the
// other mode's path (at other, with the fix forbidden).
func (v *validator) claimPath(cp *validation.Path, field, value, required, other, otherValue, forbidden string) {
	if value == "" {
		v.Required(cp.Child(field), required)
	} else if !path.IsAbs(value) {
		v.Invalid(cp.Child(field), value, "must be an absolute path")
	}
	if otherValue != "" {
		v.Forbidden(cp.Child(other), forbidden)
	}
}
