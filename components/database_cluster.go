package components

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8sapps "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// DatabaseClusterType is the DatabaseCluster's Pulumi type token.
const DatabaseClusterType = "ordinal:index:DatabaseCluster"

// DatabaseClusterArgs are the arguments of NewDatabaseCluster.
type DatabaseClusterArgs struct {
	// Namespace of every namespaced object; nil uses the provider's default.
	Namespace pulumi.StringInput
	// Spec is the plain description of the cluster.
	Spec cluster.Spec
	// Image is the image of the first container (and of the init Job,
	// unless set otherwise) when it comes from config or another resource.
	Image pulumi.StringInput
	// Images sets images by container name (cluster.InitContainerName for
	// the init Job).
	Images map[string]pulumi.StringInput
	// Pool is the LocalVolumePool the claims bind to. The cluster requests
	// its StorageClass, checks that it has room for every claim, and waits
	// for it to exist. Use the value NewLocalVolumePool returned; a
	// LocalVolumePool of your own is refused.
	Pool *LocalVolumePool
	// StorageClassName is the class for claims that set none, when it
	// comes from another resource; mutually exclusive with Pool.
	StorageClassName pulumi.StringInput
	// SecretData becomes the generated Secret, projected into the config
	// directory with mode 0400 and usable with cluster.SecretEnv. Values are
	// always treated as Pulumi secrets. Values must be UTF-8 text; plain
	// pulumi.String values are checked before anything is registered.
	SecretData map[string]pulumi.StringInput
	// Deletion of the StatefulSet's pods: by default a replacement keeps
	// them and `destroy` deletes them; see StatefulSetDeletion.
	Deletion StatefulSetDeletion
	// AwaitTimeoutSeconds bounds the wait for readiness and the init Job;
	// default 600.
	AwaitTimeoutSeconds int
}

// DatabaseCluster is a complete clustered database: StatefulSet, governing
// and client Services, PodDisruptionBudget, init Job and config.
type DatabaseCluster struct {
	pulumi.ResourceState

	// Plan is the validated plan the objects were built from.
	Plan *cluster.Plan
	// Network holds the Services and DNS names.
	Network *HeadlessNetwork
	// StatefulSet runs the pods; nil when spec.workload.kind is
	// AdvancedStatefulSet, which registers AdvancedStatefulSet instead.
	StatefulSet *appsv1.StatefulSet
	// AdvancedStatefulSet is OpenKruise's StatefulSet that runs the pods
	// when spec.workload.kind is AdvancedStatefulSet; nil otherwise.
	AdvancedStatefulSet *apiextensions.CustomResource
	// Lifetime owns the StatefulSet: `destroy` deletes it, and with it the
	// StatefulSet and the pods (lifetime.go); nil with DeletionOrphan.
	Lifetime *corev1.ConfigMap
	// Claims are the claims of the pods (one per claim template and pod,
	// "<template>-<statefulset>-<ordinal>"), declared before the
	// StatefulSet so that a larger size grows them; never deleted by Pulumi.
	Claims []pulumi.Resource
	// PDB is nil when disabled.
	PDB *policyv1.PodDisruptionBudget
	// InitJob is nil without spec.Init.
	InitJob *batchv1.Job
	// MembershipJob is nil without spec.Membership (membership.go).
	MembershipJob *batchv1.Job
	// ConfigMap is nil without spec.Config.Data.
	ConfigMap *corev1.ConfigMap
	// Secret is nil without SecretData.
	Secret *corev1.Secret
	// NetworkPolicy is nil unless spec.NetworkPolicy is enabled.
	NetworkPolicy *networkingv1.NetworkPolicy
	// ServiceAccount, Role and RoleBinding are nil unless spec.Access is set.
	ServiceAccount *corev1.ServiceAccount
	Role           *rbacv1.Role
	RoleBinding    *rbacv1.RoleBinding

	// StatefulSetName, ServiceName, PDBName and InitJobName name the objects
	// ("" for those that do not exist).
	StatefulSetName pulumi.StringOutput
	ServiceName     pulumi.StringOutput
	PDBName         pulumi.StringOutput
	InitJobName     pulumi.StringOutput
	// Namespace the cluster lives in.
	Namespace pulumi.StringOutput
	// PodFQDNs are the pods' stable DNS names, in ordinal order.
	PodFQDNs pulumi.StringArrayOutput
	// PeerList is "fqdn:port,..." on the first peer port.
	PeerList pulumi.StringOutput
	// ClientEndpoints are "host:port" of the client Service (or the
	// governing Service without one) for each client port.
	ClientEndpoints pulumi.StringArrayOutput
	// ConfigChecksum is the SHA-256 of the generated ConfigMap's data.
	ConfigChecksum pulumi.StringOutput
}

// NewDatabaseCluster validates args, then registers the cluster's objects.
func NewDatabaseCluster(ctx *pulumi.Context, name string, args *DatabaseClusterArgs, opts ...pulumi.ResourceOption) (*DatabaseCluster, error) {
	if args == nil {
		args = &DatabaseClusterArgs{}
	}
	plan, images, err := PlanDatabaseCluster(name, args)
	if err != nil {
		return nil, err
	}
	if err := reserveCluster(ctx, name, args.Namespace, plan); err != nil {
		return nil, err
	}
	c := &DatabaseCluster{Plan: plan}
	if err := ctx.RegisterComponentResource(DatabaseClusterType, name, c, opts...); err != nil {
		return nil, err
	}
	if err := c.register(ctx, name, args, images); err != nil {
		return nil, err
	}
	return c, nil
}

// PlanDatabaseCluster validates args and plans the cluster without
// registering anything; NewDatabaseCluster calls it first. It checks the
// component's own arguments, then lets cluster.Make check and plan the spec
// on the same problem list. It also returns the deploy-time images by
// container name.
func PlanDatabaseCluster(name string, args *DatabaseClusterArgs) (*cluster.Plan, map[string]pulumi.StringInput, error) {
	if args == nil {
		args = &DatabaseClusterArgs{}
	}
	l := validation.New(cluster.Kind, name)
	images, opts := checkDatabaseClusterArgs(l, args)
	plan := cluster.Make(l, name, args.Spec, opts)
	if err := l.Err(); err != nil {
		return nil, nil, err
	}
	return plan, images, nil
}

// checkDatabaseClusterArgs records the problems of the arguments besides
// the spec, and returns the deploy-time images by container name and the
// options the spec is planned with.
func checkDatabaseClusterArgs(l *validation.List, args *DatabaseClusterArgs) (map[string]pulumi.StringInput, cluster.Options) {
	spec := &args.Spec // without defaults: none of those read here
	checkDatabaseClusterInputs(l, args)
	images := map[string]pulumi.StringInput{}
	for _, k := range slices.Sorted(maps.Keys(args.Images)) {
		if v := args.Images[k]; v != nil {
			images[k] = v
			checkLiteralImage(l, validation.NewPath("images").Key(k), v)
		}
	}
	if args.Image != nil {
		checkLiteralImage(l, validation.NewPath("image"), args.Image)
	}
	if args.Image != nil {
		if len(spec.Containers) == 0 {
			l.Required(validation.NewPath("spec").Child("containers"), "Image sets the first container's image; add the container")
		} else if _, dup := images[spec.Containers[0].Name]; dup {
			l.Forbidden(validation.NewPath("image"), fmt.Sprintf("images[%q] also sets the first container's image; set only one", spec.Containers[0].Name))
		} else {
			images[spec.Containers[0].Name] = args.Image
		}
	}
	opts := cluster.Options{
		DeployTimeImages:       slices.Sorted(maps.Keys(images)),
		DeployTimeStorageClass: args.StorageClassName != nil,
		SecretKeys:             slices.Sorted(maps.Keys(args.SecretData)),
	}
	if args.Pool != nil {
		opts.Pool = args.Pool.Plan
		if args.StorageClassName != nil {
			l.Forbidden(validation.NewPath("storageClassName"), "the claims use the pool's StorageClass; set pool or storageClassName, not both")
		}
	}
	for _, k := range opts.SecretKeys {
		if args.SecretData[k] == nil {
			l.Required(validation.NewPath("secretData").Key(k), "give a value (e.g. cfg.RequireSecret(\""+k+"\")) or remove the key")
		}
	}
	switch args.Deletion {
	case "", DeletionOrphan, DeletionBackground:
	default:
		validation.NotSupported(l, validation.NewPath("deletion"), args.Deletion, DeletionOrphan, DeletionBackground)
	}
	if spec.ClaimRetention.WhenDeleted == k8sapps.DeletePersistentVolumeClaimRetentionPolicyType && args.Deletion != DeletionBackground {
		// Orphan propagation strips the StatefulSet's owner reference from
		// its claims, so the retention policy would silently do nothing.
		l.Invalid(validation.NewPath("deletion"), string(DeletionOrphan),
			"spec.claimRetention.whenDeleted is Delete, but orphan deletion orphans the claims and keeps them; set Deletion: DeletionBackground to let claims be deleted with the StatefulSet")
	}
	if args.AwaitTimeoutSeconds < 0 {
		l.Invalid(validation.NewPath("awaitTimeoutSeconds"), args.AwaitTimeoutSeconds, "must be >= 0 (0 means the default, 600)")
	}
	return images, opts
}

// checkLiteralImage checks an image given as a plain string: one that
// comes from another resource is only known when Pulumi runs.
func checkLiteralImage(l *validation.List, p *validation.Path, in pulumi.StringInput) {
	if s, ok := bridge.Literal(in); ok {
		l.Image(p, s)
	}
}

// register registers the cluster's children in dependency order (see the
// contract in provider.go) and the component's outputs.
func (c *DatabaseCluster) register(ctx *pulumi.Context, name string, args *DatabaseClusterArgs, images map[string]pulumi.StringInput) error {
	plan, ns := c.Plan, args.Namespace
	child := pulumi.Parent(c)
	// Every child but the autonamed Secret has a name the plan decides.
	named := pulumi.Composite(child, NamedObjectOptions())
	var err error
	netName := naming.Child(name, "network")
	c.Network, err = newHeadlessNetwork(ctx, netName, ns, plan.Network, child)
	if err != nil {
		return childError(HeadlessNetworkType, netName, err)
	}
	if plan.ConfigMap != nil {
		if c.ConfigMap, err = registerConfigMap(ctx, configMapResourceName(name, plan.ConfigChecksum), plan.ConfigMap, ns, named,
			pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(naming.Child(name, "config"))}})); err != nil {
			return err
		}
	}
	var secretName pulumi.StringInput = pulumi.String("")
	if plan.Secret != nil {
		if c.Secret, err = registerSecret(ctx, naming.Child(name, "secret"), plan.Secret, ns, args.SecretData, child); err != nil {
			return err
		}
		secretName = nameOf(c.Secret.Metadata)
	}
	var storageClass pulumi.StringInput = pulumi.String("")
	if args.StorageClassName != nil {
		storageClass = args.StorageClassName
	}
	deployed := newDeployTime(images, storageClass, secretName)

	// Depend on the children, not the components: the Go SDK expands a
	// component to the children registered so far, and registers them
	// asynchronously, so DependsOn(component) could miss a Service or PV.
	deps := c.Network.resources()
	if c.ConfigMap != nil {
		deps = append(deps, c.ConfigMap)
	}
	if c.Secret != nil {
		deps = append(deps, c.Secret)
	}
	if args.Pool != nil {
		deps = append(deps, args.Pool.resources()...)
	}
	if plan.NetworkPolicy != nil {
		// Before the pods and the init Job: they never run unconfined.
		if c.NetworkPolicy, err = registerNetworkPolicy(ctx, naming.Child(name, "netpol"), plan.NetworkPolicy, ns, named); err != nil {
			return err
		}
		deps = append(deps, c.NetworkPolicy)
	}
	if r := plan.RBAC; r != nil {
		if c.ServiceAccount, err = registerServiceAccount(ctx, naming.Child(name, "sa"), r.ServiceAccount, ns, named); err != nil {
			return err
		}
		if c.Role, err = registerRole(ctx, naming.Child(name, "role"), r.Role, ns, named); err != nil {
			return err
		}
		if c.RoleBinding, err = registerRoleBinding(ctx, naming.Child(name, "rolebinding"), r.RoleBinding, ns, c.Network.Namespace, named,
			pulumi.DependsOn([]pulumi.Resource{c.ServiceAccount, c.Role})); err != nil {
			return err
		}
		deps = append(deps, c.RoleBinding)
	}
	stsName := naming.Child(name, "statefulset")
	stsSpec, err := resolveSpec(deployed, plan.StatefulSetReads(), func(d cluster.Deployed) (any, error) {
		if plan.Spec.Workload.Advanced() {
			return advancedSpecTree(plan.AdvancedStatefulSet(plan.ResolveStatefulSet(d)).Spec)
		}
		return bridge.Tree[appsv1.StatefulSetSpec](plan.ResolveStatefulSet(d).Spec)
	})
	if err != nil {
		return childError(kubetypes.StatefulSet, stsName, err)
	}
	stsMeta := plan.StatefulSet.ObjectMeta // Merge below copies the annotations
	stsMeta.Annotations = labels.Merge(stsMeta.Annotations, StatefulSetAnnotations(plan.Spec, args.Deletion, args.AwaitTimeoutSeconds))
	claimOpts := pulumi.Composite()
	if n := len(plan.StatefulSet.Spec.VolumeClaimTemplates); n > 0 {
		hook, err := claimsHook(ctx, name, plan)
		if err != nil {
			return childError(kubetypes.StatefulSet, stsName, err)
		}
		// The claims before the StatefulSet, after the pool (claim_patches.go).
		var pool []pulumi.Resource
		if args.Pool != nil {
			pool = args.Pool.resources()
		}
		if c.Claims, err = registerClaims(ctx, name, plan, deployed, ns, hook, child, pulumi.DependsOn(pool)); err != nil {
			return err
		}
		claimOpts = pulumi.Composite(ClaimTemplateOptions(n, hook), pulumi.DependsOn(c.Claims))
	}
	// The departing members leave the database before the StatefulSet
	// deletes their pods (membership.go).
	if c.MembershipJob, err = registerMembership(ctx, name, plan, deployed, ns, args.AwaitTimeoutSeconds, named, pulumi.DependsOn(deps)); err != nil {
		return err
	}
	stsDeps := deps
	if c.MembershipJob != nil {
		stsDeps = append(slices.Clip(deps), c.MembershipJob)
	}
	var meta pulumi.Input = bridge.MetaInput(stsMeta, ns, false)
	lifetime := pulumi.Composite()
	if args.Deletion != DeletionOrphan {
		// destroy deletes the pods, a replacement keeps them (lifetime.go).
		// After what the StatefulSet depends on: destroy deletes it (and the
		// StatefulSet with its pods) before any of them.
		if c.Lifetime, err = registerLifetime(ctx, name, plan, ns, named, pulumi.DependsOn(deps), pulumi.DependsOn(c.Claims)); err != nil {
			return err
		}
		meta = ownedMeta(stsMeta, ns, plan, c.Lifetime)
		lifetime = pulumi.DeletedWith(c.Lifetime)
	}
	if plan.Spec.Workload.Advanced() {
		if !renders(c, kubetypes.AdvancedStatefulSet) {
			if stsSpec, err = requireKruise(ctx, name, stsSpec, child); err != nil {
				return err
			}
		}
		if c.AdvancedStatefulSet, err = registerAdvancedStatefulSet(ctx, stsName, meta, stsSpec, named, pulumi.DependsOn(stsDeps), claimOpts, lifetime); err != nil {
			return err
		}
		c.StatefulSetName = nameOfPtr(c.AdvancedStatefulSet.Metadata)
	} else {
		if c.StatefulSet, err = registerStatefulSet(ctx, stsName, meta, stsSpec, named, pulumi.DependsOn(stsDeps), claimOpts, lifetime); err != nil {
			return err
		}
		c.StatefulSetName = nameOf(c.StatefulSet.Metadata)
	}
	if plan.PDB != nil {
		if c.PDB, err = registerPDB(ctx, naming.Child(name, "pdb"), plan.PDB, ns, named, pulumi.DependsOn(c.Network.resources())); err != nil {
			return err
		}
	}
	if plan.InitJob != nil {
		jobName := naming.Child(name, "init")
		jobSpec, err := resolveSpec(deployed, plan.InitJobReads(), func(d cluster.Deployed) (any, error) {
			return bridge.Tree[batchv1.JobSpec](plan.ResolveInitJob(d).Spec)
		})
		if err != nil {
			return childError(kubetypes.Job, jobName, err)
		}
		jobMeta := plan.InitJob.ObjectMeta
		jobMeta.Annotations = labels.Merge(jobMeta.Annotations, InitJobAnnotations(args.AwaitTimeoutSeconds))
		// The Job depends on the network, never on the StatefulSet: the
		// pods may only become Ready after the init ran (no deadlock).
		if c.InitJob, err = registerJob(ctx, jobName, jobMeta, jobSpec, ns, named, pulumi.DependsOn(deps), InitJobOptions()); err != nil {
			return err
		}
	}

	c.Namespace = c.Network.Namespace
	c.ServiceName = c.Network.ServiceName
	c.PodFQDNs = c.Network.PodFQDNs
	c.PeerList = c.Network.PeerList
	c.ClientEndpoints = c.Network.ClientEndpoints
	c.ConfigChecksum = knownString(plan.ConfigChecksum)
	c.PDBName = knownString("")
	if c.PDB != nil {
		c.PDBName = nameOf(c.PDB.Metadata)
	}
	c.InitJobName = knownString("")
	if c.InitJob != nil {
		c.InitJobName = nameOf(c.InitJob.Metadata)
	}
	return ctx.RegisterResourceOutputs(c, c.stateOutputs(ns))
}

// configMapResourceName is the generated ConfigMap's resource name: the
// content hash ends it, as it ends the object's name. New content is a new
// resource, created before the StatefulSet points at it; the old one leaves
// the stack, and so the cluster, only when an update succeeds, and is back
// unchanged if the content is reverted after a failed update. Under one
// resource name, the failed update would leave the old object pending
// deletion, and the revert's update would delete it after applying it
// again (NamedObjectOptions). Stacks from before keep their object: the
// resource aliases the old name, "<name>-config".
func configMapResourceName(name, sum string) string {
	return naming.Child(name, "config-"+naming.Short(sum, cluster.ConfigHashLength))
}

// stateOutputs are the outputs recorded in the component's state: the
// values of its output fields, plain where they are known (see
// HeadlessNetwork.stateOutputs).
func (c *DatabaseCluster) stateOutputs(ns pulumi.StringInput) pulumi.Map {
	plan := c.Plan
	outputs := c.Network.stateOutputs(ns)
	delete(outputs, "serviceFqdn")
	outputs["statefulSetName"] = pulumi.String(plan.StatefulSet.Name)
	outputs["pdbName"] = pulumi.String("")
	if plan.PDB != nil {
		outputs["pdbName"] = pulumi.String(plan.PDB.Name)
	}
	outputs["initJobName"] = pulumi.String("")
	if plan.InitJob != nil {
		outputs["initJobName"] = pulumi.String(plan.InitJob.Name)
	}
	outputs["configChecksum"] = pulumi.String(plan.ConfigChecksum)
	return outputs
}
