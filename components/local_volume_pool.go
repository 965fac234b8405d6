package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// LocalVolumePoolType is the LocalVolumePool's Pulumi type token.
const LocalVolumePoolType = "ordinal:index:LocalVolumePool"

// Protection decides what Pulumi may do to the pool's PersistentVolumes.
type Protection string

const (
	// ProtectRetainOnDelete (the default) leaves PVs in the cluster when
	// they leave the stack (destroy, or a volume removed from the pool); the
	// next `up` adopts them again. Exactly (pulumi-kubernetes v4.25.0,
	// checked by tests/e2e TestDestroyAndRecreate): the next `up` shows a
	// "create" for each PV, which under server-side apply (the provider's
	// default) is an apply that upserts the existing object, so the PV keeps
	// its UID and its claimRef, and the retained claims stay Bound to it.
	// With the provider's enableServerSideApply set to false the create is a
	// POST and fails with "already exists": import the PVs instead.
	ProtectRetainOnDelete Protection = "retainOnDelete"
	// ProtectStrict marks PVs protected: Pulumi refuses to delete or
	// replace them until you unprotect them.
	ProtectStrict Protection = "protect"
	// ProtectNone lets Pulumi delete PVs (the data on disk stays: Kubernetes
	// never wipes local volumes).
	ProtectNone Protection = "none"
)

// LocalVolumePoolArgs are the arguments of NewLocalVolumePool.
type LocalVolumePoolArgs struct {
	// Spec describes the StorageClass and the volumes.
	Spec localpv.Spec
	// Protection of the PVs; default ProtectRetainOnDelete.
	Protection Protection
}

// LocalVolumePool is a StorageClass for local disks and one node-pinned
// PersistentVolume per (node, path).
type LocalVolumePool struct {
	pulumi.ResourceState

	// Plan is the validated plan; DatabaseCluster checks capacity against it.
	Plan *localpv.Plan
	// StorageClass is the pool's StorageClass.
	StorageClass *storagev1.StorageClass
	// Volumes are the PVs, in the order of the spec's entries.
	Volumes []*corev1.PersistentVolume

	// StorageClassName is the class claims must request.
	StorageClassName pulumi.StringOutput
	// VolumeNames lists the PV names.
	VolumeNames pulumi.StringArrayOutput
	// TotalCapacity is the sum of all volumes, e.g. "30Gi".
	TotalCapacity pulumi.StringOutput
	// Nodes lists the distinct nodes, sorted.
	Nodes pulumi.StringArrayOutput
}

// NewLocalVolumePool validates args and registers the StorageClass and PVs.
func NewLocalVolumePool(ctx *pulumi.Context, name string, args *LocalVolumePoolArgs, opts ...pulumi.ResourceOption) (*LocalVolumePool, error) {
	if args == nil {
		args = &LocalVolumePoolArgs{}
	}
	l := validation.New(localpv.Kind, name)
	localpv.ValidateName(l, name)
	spec := localpv.Defaults(name, args.Spec)
	localpv.Validate(l, field.NewPath("spec"), spec)
	switch args.Protection {
	case "", ProtectRetainOnDelete, ProtectStrict, ProtectNone:
	default:
		validation.NotSupported(l, field.NewPath("protection"), args.Protection, ProtectRetainOnDelete, ProtectStrict, ProtectNone)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	plan := localpv.Build(name, spec)
	c := &LocalVolumePool{Plan: plan}
	if err := ctx.RegisterComponentResource(LocalVolumePoolType, name, c, opts...); err != nil {
		return nil, err
	}
	var err error
	c.StorageClass, err = registerStorageClass(ctx, naming.Child(name, "class"), plan.StorageClass, StorageClassOptions(c)...)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(plan.Volumes))
	for _, pv := range plan.Volumes {
		res, err := registerPV(ctx, pv.Name, pv, VolumeOptions(c, c.StorageClass, args.Protection)...)
		if err != nil {
			return nil, err
		}
		c.Volumes = append(c.Volumes, res)
		names = append(names, pv.Name)
	}
	total := plan.TotalCapacity()
	c.StorageClassName = nameOf(c.StorageClass.Metadata)
	c.VolumeNames = knownStrings(names)
	c.TotalCapacity = knownString(total.String())
	c.Nodes = knownStrings(plan.DistinctNodes())
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"storageClassName": pulumi.String(plan.StorageClass.Name), // as c.StorageClassName, known
		"volumeNames":      c.VolumeNames,
		"totalCapacity":    c.TotalCapacity,
		"nodes":            c.Nodes,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// resources are the pool's StorageClass and PVs, for DependsOn (see
// DatabaseCluster.register for why not the component itself).
func (c *LocalVolumePool) resources() []pulumi.Resource {
	out := []pulumi.Resource{c.StorageClass}
	for _, v := range c.Volumes {
		out = append(out, v)
	}
	return out
}

// StorageClassOptions are the resource options of a pool's StorageClass.
// Kubernetes rejects changes to provisioner, parameters, reclaimPolicy and
// volumeBindingMode, so a change to any of them replaces the class
// (deleting the old one first, as the name stays the same); PVs refer to the
// class by name and are not touched.
func StorageClassOptions(parent pulumi.Resource) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{
		pulumi.Parent(parent),
		pulumi.ReplaceOnChanges([]string{"provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"}),
		pulumi.DeleteBeforeReplace(true),
	}
}

// VolumeOptions are the resource options of a pool's PV. A PV's name is
// derived from its node and path, so moving a volume creates a new PV rather
// than replacing one. The remaining immutable fields (node affinity, local
// source, volume mode) replace the PV deliberately instead of sending an
// update the API server would reject.
func VolumeOptions(parent pulumi.Resource, class pulumi.Resource, p Protection) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{
		pulumi.Parent(parent),
		pulumi.DependsOn([]pulumi.Resource{class}),
		pulumi.ReplaceOnChanges([]string{"spec.nodeAffinity", "spec.local", "spec.volumeMode"}),
		pulumi.DeleteBeforeReplace(true),
	}
	switch p {
	case ProtectNone:
	case ProtectStrict:
		opts = append(opts, pulumi.Protect(true))
	default:
		opts = append(opts, pulumi.RetainOnDelete(true))
	}
	return opts
}
