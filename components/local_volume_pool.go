package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// LocalVolumePoolType is the LocalVolumePool's Pulumi type token.
const LocalVolumePoolType = "ordinal:index:LocalVolumePool"

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
	// StorageClass is the pool's StorageClass; nil with
	// spec.ExistingStorageClass.
	StorageClass *storagev1.StorageClass
	// Volumes are the PVs, in the order of the spec's entries.
	Volumes []*corev1.PersistentVolume

	// StorageClassName is the class claims must request.
	StorageClassName pulumi.StringOutput
	// VolumeNames lists the PV names (metadata.name, as named by
	// localpv.Volume.Name or generated).
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
	plan, err := PlanLocalVolumePool(name, args)
	if err != nil {
		return nil, err
	}
	if err := reservePool(ctx, name, plan); err != nil {
		return nil, err
	}
	c := &LocalVolumePool{Plan: plan}
	if err := ctx.RegisterComponentResource(LocalVolumePoolType, name, c, opts...); err != nil {
		return nil, err
	}
	if err := c.register(ctx, name, args.Protection); err != nil {
		return nil, err
	}
	return c, nil
}

// register registers the StorageClass and the PVs as the component's children.
func (c *LocalVolumePool) register(ctx *pulumi.Context, name string, protection Protection) error {
	plan := c.Plan
	var err error
	c.StorageClassName = knownString(plan.Spec.StorageClassName)
	var class pulumi.Resource // the PVs wait for the pool's own class only
	if sc := plan.StorageClass; sc != nil {
		// The owner marker names the stack too: two stacks whose pools
		// share a name must not take over each other's class.
		sc = sc.DeepCopy()
		sc.Parameters[localpv.OwnerParameter] = localpv.Owner(ctx.Project(), ctx.Stack(), name)
		c.StorageClass, err = registerStorageClass(ctx, naming.Child(name, "class"), sc, StorageClassOptions(c)...)
		if err != nil {
			return err
		}
		c.StorageClassName = nameOf(c.StorageClass.Metadata)
		class = c.StorageClass
	}
	opts := VolumeOptions(c, class, protection)
	names := make([]string, 0, len(plan.Volumes))
	// Each PV's Pulumi name is its generated name, also when the volume is
	// named otherwise (localpv.Volume.Name): a new name is not a new URN.
	ids := plan.ResourceNames()
	for i, pv := range plan.Volumes {
		res, err := registerPV(ctx, ids[i], pv, opts...)
		if err != nil {
			return err
		}
		c.Volumes = append(c.Volumes, res)
		names = append(names, pv.Name)
	}
	if protection == ProtectNone {
		if err := c.registerKeepBound(ctx, name); err != nil {
			return err
		}
	}
	total := plan.TotalCapacity()
	c.VolumeNames = knownStrings(names)
	c.TotalCapacity = knownString(total.String())
	c.Nodes = knownStrings(plan.DistinctNodes())
	return ctx.RegisterResourceOutputs(c, pulumi.Map{
		"storageClassName": pulumi.String(plan.Spec.StorageClassName), // as c.StorageClassName, known
		"volumeNames":      c.VolumeNames,
		"totalCapacity":    c.TotalCapacity,
		"nodes":            c.Nodes,
	})
}

// registerKeepBound registers the admission policy that refuses deleting
// the pool's Bound PVs, and its binding (localpv.KeepBound). The binding
// depends on the PVs, so it guards them while the pool keeps existing (a
// volume removed from the pool, a PV replaced) and is deleted before them
// when the pool is: a destroy with claims deleted on purpose
// (cluster.ClaimRetention) deletes the PVs as their claims go, as before.
func (c *LocalVolumePool) registerKeepBound(ctx *pulumi.Context, name string) error {
	policy, binding := c.Plan.KeepBound()
	p, err := registerAdmissionPolicy(ctx, naming.Child(name, "keep-bound"), policy, pulumi.Parent(c))
	if err != nil {
		return err
	}
	deps := []pulumi.Resource{p}
	for _, v := range c.Volumes {
		deps = append(deps, v)
	}
	_, err = registerAdmissionBinding(ctx, naming.Child(name, "keep-bound-binding"), binding, pulumi.Parent(c), pulumi.DependsOn(deps))
	return err
}

// PlanLocalVolumePool validates args and plans the pool without
// registering anything; NewLocalVolumePool calls it first. localpv.Make
// checks and plans the spec, then the component checks its own argument on
// the same problem list (so problems read in the order of the arguments:
// the name and spec, then protection).
func PlanLocalVolumePool(name string, args *LocalVolumePoolArgs) (*localpv.Plan, error) {
	if args == nil {
		args = &LocalVolumePoolArgs{}
	}
	l := validation.New(localpv.Kind, name)
	plan := localpv.Make(l, name, args.Spec)
	switch args.Protection {
	case "", ProtectRetainOnDelete, ProtectStrict, ProtectNone:
	default:
		validation.NotSupported(l, validation.NewPath("protection"), args.Protection, ProtectRetainOnDelete, ProtectStrict, ProtectNone)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return plan, nil
}

// resources are the pool's StorageClass and PVs, for DependsOn (see
// DatabaseCluster.register for why not the component itself).
func (c *LocalVolumePool) resources() []pulumi.Resource {
	var out []pulumi.Resource
	if c.StorageClass != nil {
		out = append(out, c.StorageClass)
	}
	for _, v := range c.Volumes {
		out = append(out, v)
	}
	return out
}
