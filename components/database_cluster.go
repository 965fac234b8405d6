package components

import (
	"fmt"
	"strconv"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8sapps "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// DatabaseClusterType is the DatabaseCluster's Pulumi type token.
const DatabaseClusterType = "ordinal:index:DatabaseCluster"

// Provider annotations understood by pulumi-kubernetes.
const (
	annotationDeletionPropagation = "pulumi.com/deletionPropagationPolicy"
	annotationTimeoutSeconds      = "pulumi.com/timeoutSeconds"
	annotationWaitFor             = "pulumi.com/waitFor"
	annotationReplaceUnready      = "pulumi.com/replaceUnready"
	annotationPatchForce          = "pulumi.com/patchForce"
)

// DefaultAwaitTimeoutSeconds bounds how long `pulumi up` waits for the
// StatefulSet to be Ready and the init Job to complete.
const DefaultAwaitTimeoutSeconds = 600

// StatefulSetDeletion is what happens to the pods when Pulumi deletes the
// StatefulSet object (on replacement or destroy).
type StatefulSetDeletion string

const (
	// DeletionOrphan (the default) deletes only the StatefulSet object and
	// keeps its pods running. When a change replaces the StatefulSet (new
	// volumeClaimTemplates, serviceName, podManagementPolicy), the new one
	// adopts the running pods and their claims instead of killing every pod
	// at once. On destroy, the pods stay until you delete them
	// (kubectl delete pod -l app.kubernetes.io/instance=<name>).
	DeletionOrphan StatefulSetDeletion = "orphan"
	// DeletionBackground deletes the pods with the StatefulSet. Claims are
	// still kept (see cluster.ClaimRetention).
	DeletionBackground StatefulSetDeletion = "background"
)

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
	// for it to exist.
	Pool *LocalVolumePool
	// StorageClassName is the class for claims that set none, when it
	// comes from another resource; mutually exclusive with Pool.
	StorageClassName pulumi.StringInput
	// SecretData becomes the generated Secret, projected into the config
	// directory with mode 0400 and usable with cluster.SecretEnv. Values are
	// always treated as Pulumi secrets.
	SecretData map[string]pulumi.StringInput
	// Deletion of the StatefulSet's pods; default DeletionOrphan.
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
	Network     *HeadlessNetwork
	StatefulSet *appsv1.StatefulSet
	// PDB is nil when disabled.
	PDB *policyv1.PodDisruptionBudget
	// InitJob is nil without spec.Init.
	InitJob *batchv1.Job
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
// registering anything; NewDatabaseCluster calls it first. It also returns
// the deploy-time images by container name.
func PlanDatabaseCluster(name string, args *DatabaseClusterArgs) (*cluster.Plan, map[string]pulumi.StringInput, error) {
	l := validation.New(cluster.Kind, name)
	spec := cluster.Defaults(name, args.Spec)
	images := map[string]pulumi.StringInput{}
	for k, v := range args.Images {
		if v != nil {
			images[k] = v
		}
	}
	if args.Image != nil {
		if len(spec.Containers) == 0 {
			l.Required(field.NewPath("spec", "containers"), "Image sets the first container's image; add the container")
		} else if _, dup := images[spec.Containers[0].Name]; dup {
			l.Forbidden(field.NewPath("image"), fmt.Sprintf("images[%q] also sets the first container's image; set only one", spec.Containers[0].Name))
		} else {
			images[spec.Containers[0].Name] = args.Image
		}
	}
	opts := cluster.Options{
		DeployTimeImages:       validation.SortedKeys(images),
		DeployTimeStorageClass: args.StorageClassName != nil,
		SecretKeys:             validation.SortedKeys(args.SecretData),
	}
	if args.Pool != nil {
		opts.Pool = args.Pool.Plan
		if args.StorageClassName != nil {
			l.Forbidden(field.NewPath("storageClassName"), "the claims use the pool's StorageClass; set pool or storageClassName, not both")
		}
	}
	for _, k := range opts.SecretKeys {
		if args.SecretData[k] == nil {
			l.Required(field.NewPath("secretData").Key(k), "give a value (e.g. cfg.RequireSecret(\""+k+"\")) or remove the key")
		}
	}
	switch args.Deletion {
	case "", DeletionOrphan, DeletionBackground:
	default:
		validation.NotSupported(l, field.NewPath("deletion"), args.Deletion, DeletionOrphan, DeletionBackground)
	}
	if spec.ClaimRetention.WhenDeleted == k8sapps.DeletePersistentVolumeClaimRetentionPolicyType && args.Deletion != DeletionBackground {
		// Orphan propagation strips the StatefulSet's owner reference from
		// its claims, so the retention policy would silently do nothing.
		l.Invalid(field.NewPath("deletion"), string(DeletionOrphan),
			"spec.claimRetention.whenDeleted is Delete, but orphan deletion orphans the claims and keeps them; set Deletion: DeletionBackground to let claims be deleted with the StatefulSet")
	}
	if args.AwaitTimeoutSeconds < 0 {
		l.Invalid(field.NewPath("awaitTimeoutSeconds"), args.AwaitTimeoutSeconds, "must be >= 0 (0 means the default, 600)")
	}
	cluster.Validate(l, name, spec, opts)
	if err := l.Err(); err != nil {
		return nil, nil, err
	}
	return cluster.Build(name, spec, opts), images, nil
}

func (c *DatabaseCluster) register(ctx *pulumi.Context, name string, args *DatabaseClusterArgs, images map[string]pulumi.StringInput) error {
	plan, ns := c.Plan, args.Namespace
	child := pulumi.Parent(c)
	var err error
	c.Network, err = newHeadlessNetwork(ctx, naming.Child(name, "network"), ns, plan.Network, child)
	if err != nil {
		return err
	}
	if plan.ConfigMap != nil {
		if c.ConfigMap, err = registerConfigMap(ctx, naming.Child(name, "config"), plan.ConfigMap, ns, child); err != nil {
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
		if c.NetworkPolicy, err = registerNetworkPolicy(ctx, naming.Child(name, "netpol"), plan.NetworkPolicy, ns, child); err != nil {
			return err
		}
		deps = append(deps, c.NetworkPolicy)
	}
	if r := plan.RBAC; r != nil {
		if c.ServiceAccount, err = registerServiceAccount(ctx, naming.Child(name, "sa"), r.ServiceAccount, ns, child); err != nil {
			return err
		}
		if c.Role, err = registerRole(ctx, naming.Child(name, "role"), r.Role, ns, child); err != nil {
			return err
		}
		if c.RoleBinding, err = registerRoleBinding(ctx, naming.Child(name, "rolebinding"), r.RoleBinding, ns, c.Network.Namespace, child,
			pulumi.DependsOn([]pulumi.Resource{c.ServiceAccount, c.Role})); err != nil {
			return err
		}
		deps = append(deps, c.RoleBinding)
	}
	stsSpec, err := resolveSpec(deployed, plan.StatefulSetReads(), func(d cluster.Deployed) (any, error) {
		return bridge.Tree[appsv1.StatefulSetSpec](plan.ResolveStatefulSet(d).Spec)
	})
	if err != nil {
		return err
	}
	stsMeta := plan.StatefulSet.ObjectMeta // Merge below copies the annotations
	stsMeta.Annotations = labels.Merge(stsMeta.Annotations, StatefulSetAnnotations(plan.Spec, args.Deletion, args.AwaitTimeoutSeconds))
	c.StatefulSet, err = registerStatefulSet(ctx, naming.Child(name, "statefulset"), stsMeta, stsSpec, ns, child, pulumi.DependsOn(deps))
	if err != nil {
		return err
	}
	if plan.PDB != nil {
		if c.PDB, err = registerPDB(ctx, naming.Child(name, "pdb"), plan.PDB, ns, child, pulumi.DependsOn(c.Network.resources())); err != nil {
			return err
		}
	}
	if plan.InitJob != nil {
		jobSpec, err := resolveSpec(deployed, plan.InitJobReads(), func(d cluster.Deployed) (any, error) {
			return bridge.Tree[batchv1.JobSpec](plan.ResolveInitJob(d).Spec)
		})
		if err != nil {
			return err
		}
		jobMeta := plan.InitJob.ObjectMeta
		jobMeta.Annotations = labels.Merge(jobMeta.Annotations, InitJobAnnotations(args.AwaitTimeoutSeconds))
		// The Job depends on the network, never on the StatefulSet: the
		// pods may only become Ready after the init ran (no deadlock).
		if c.InitJob, err = registerJob(ctx, naming.Child(name, "init"), jobMeta, jobSpec, ns, child, pulumi.DependsOn(deps), InitJobOptions()); err != nil {
			return err
		}
	}

	c.Namespace = c.Network.Namespace
	c.StatefulSetName = nameOf(c.StatefulSet.Metadata)
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

// StatefulSetAnnotations are the provider annotations on the StatefulSet:
// orphan deletion (unless DeletionBackground), the await timeout, forced
// server-side apply, and always a pulumi.com/waitFor condition
// (PartitionWaitFor) in place of the provider's built-in await:
//
//   - The built-in await of pulumi-kubernetes v4.25 does not check
//     .status.observedGeneration (pulumi-kubernetes#3329, fixed upstream
//     later by #4094): right after an update the controller has not yet
//     written the new generation's status, the old one still says "every
//     pod Ready and current", and `up` reported an image roll done before a
//     single pod restarted. Seen on real nodes (tests/realpods). The
//     waitFor evaluation skips a status older than the object.
//   - When a partition holds the rollout or updates wait for manual pod
//     deletion (OnDelete), the built-in await waits for every pod to run
//     the new revision, which never happens.
func StatefulSetAnnotations(spec cluster.Spec, deletion StatefulSetDeletion, timeout int) map[string]string {
	if timeout == 0 {
		timeout = DefaultAwaitTimeoutSeconds
	}
	out := map[string]string{
		annotationTimeoutSeconds: strconv.Itoa(timeout),
		// The component owns the whole StatefulSet spec. When an `up` is
		// interrupted after the object was created (the process killed, the
		// machine lost), the next `up` creates it again under a new field
		// manager; volumeClaimTemplates is an atomic list that the API server
		// defaults, so that apply conflicts with the lost manager unless it is
		// forced. Forcing takes ownership of exactly the fields the program
		// declares; status and fields it leaves out are untouched.
		annotationPatchForce: "true",
	}
	if deletion != DeletionBackground {
		out[annotationDeletionPropagation] = string(DeletionOrphan)
	}
	out[annotationWaitFor] = PartitionWaitFor(spec.Replicas, spec.UpdateStrategy)
	return out
}

// PartitionWaitFor is the pulumi.com/waitFor condition of every
// StatefulSet (see StatefulSetAnnotations for why the provider's built-in
// await is not used). Without a partition (P = 0) it means: every replica
// Ready and running the newest revision, i.e. the rollout is complete.
//
// With OnDelete, or a partition that holds every pod, no pod moves on its
// own: the condition is every replica Ready. With a partition P below the
// replicas N, the N-P pods at or above the partition must also run the new
// revision: {.status.readyReplicas}=N alone is already true in the first
// status the controller writes for the new generation (the old pods are
// still Ready), so `up` returned before any pod moved, and reported success
// for an image that never started. The condition is an RFC 9535 filter
// (pulumi-kubernetes >= 4.18 evaluates waitFor with github.com/theory/jsonpath)
// on the object's members, so it selects .status only when both counts hold;
// "updatedReplicas > N-P-1" means "at least N-P", as a ">=" would not parse
// (the annotation's "=" separates the path from a value).
// Pods created by the StatefulSet (first `up`, scale-up) are counted as
// updated too, so the condition holds after creation as well. The provider
// checks .status.observedGeneration first, so an old status never matches.
func PartitionWaitFor(replicas int32, us cluster.UpdateStrategy) string {
	if us.Type == k8sapps.OnDeleteStatefulSetStrategyType || us.Partition >= replicas {
		return fmt.Sprintf("jsonpath={.status.readyReplicas}=%d", replicas)
	}
	return fmt.Sprintf("jsonpath={$[?@.readyReplicas==%d && @.updatedReplicas>%d]}", replicas, replicas-us.Partition-1)
}

// InitJobOptions are the init Job's resource options. A Job's template is
// immutable, so any change to it replaces the Job and runs it again. An image
// upgrade of the database must not re-run the bootstrap of a cluster that is
// already initialized, so changes to the Job's image are ignored; the Job
// keeps the image it first ran with. Changes to its command, env or config
// still re-run it (the init command must be idempotent), and a Job that
// failed is re-run on the next `up` (see InitJobAnnotations). To re-run it
// deliberately: `pulumi up --replace <the Job's URN>`.
func InitJobOptions() pulumi.ResourceOption {
	return pulumi.IgnoreChanges([]string{"spec.template.spec.containers[0].image"})
}

// InitJobAnnotations are the provider annotations on the init Job: a Job
// that failed is replaced (re-run) on the next `up`; one that completed is
// left alone.
func InitJobAnnotations(timeout int) map[string]string {
	if timeout == 0 {
		timeout = DefaultAwaitTimeoutSeconds
	}
	return map[string]string{
		annotationReplaceUnready: "true",
		annotationTimeoutSeconds: strconv.Itoa(timeout),
	}
}
