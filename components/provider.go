package components

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8sapps "k8s.io/api/apps/v1"
	k8score "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// ------------------------------------------------------------------------------------------------
//
// The provider contract: what pulumi-kubernetes (v4.25) does with each object the components
// register, and why. The pulumi.com/* annotations and the resource options that decide it are
// all in this file; the components only attach what these functions return.
//
// The objects of a cluster and its network, all but the Secret, are deleted before their replacement
// is created (note 7). Replacing an object under the same name and namespace is done that way by the
// provider anyway; the option decides what happens when a namespace or a name changes.
//
//	| object               | awaited how                   | deleted how               | replaced when               | ignored changes     | why |
//	|----------------------|-------------------------------|---------------------------|-----------------------------|---------------------|-----|
//	| StatefulSet          | waitFor, on a current status: | orphan: the pods stay     | an immutable field changes  | claim templates'    | 1   |
//	|                      | every replica Ready, the pods | (background with          | (volumeClaimTemplates,      | class, modes        |     |
//	|                      | at/above the partition on the | DeletionBackground); on   | serviceName, selector,      | (refused: 8)        |     |
//	|                      | new revision; timeoutSeconds  | destroy with its lifetime | podManagementPolicy)        |                     |     |
//	|                      |                               | ConfigMap (10); claims:   |                             |                     |     |
//	|                      |                               | ClaimRetention            |                             |                     |     |
//	| claims (PVC patches) | skipAwait                     | retainOnDelete: never     | never (a change the claims  | -                   | 9   |
//	|                      |                               |                           | cannot follow is refused)   |                     |     |
//	| lifetime ConfigMap   | none                          | foreground: the           | its namespace or name       | -                   | 10  |
//	|                      |                               | StatefulSet and its pods  | changes                     |                     |     |
//	|                      |                               | go first                  |                             |                     |     |
//	| init Job             | complete; timeoutSeconds      | provider default          | its template changes, or    | containers[0].image | 2   |
//	|                      |                               |                           | it failed (replaceUnready)  |                     |     |
//	| membership Job       | complete; timeoutSeconds      | provider default, after   | the replica count changes   | -                   | 11  |
//	|                      |                               | the StatefulSet's update  | (its name), its template    |                     |     |
//	|                      |                               |                           | changes, or it failed       |                     |     |
//	| governing Service    | skipAwait                     | provider default          | provider's rules            | -                   | 3   |
//	| client Service       | skipAwait; a LoadBalancer     | provider default          | provider's rules            | -                   | 3   |
//	|                      | until it has an address       |                           |                             |                     |     |
//	| PodDisruptionBudget  | none                          | provider default          | provider's rules            | -                   | -   |
//	| ConfigMap            | none                          | once nothing uses it: new | its namespace or base name  | -                   | 4   |
//	|                      |                               | data is a new resource    | changes                     |                     |     |
//	| Secret               | exists                        | once nothing uses it      | its data changes (autoname) | -                   | 4   |
//	| NetworkPolicy, Role, | none; ServiceAccount:         | provider default          | provider's rules            | -                   | -   |
//	| RoleBinding, SA      | exists                        |                           |                             |                     |     |
//	| StorageClass         | none                          | before its replacement    | provisioner, parameters,    | -                   | 5   |
//	|                      |                               |                           | reclaimPolicy or            |                     |     |
//	|                      |                               |                           | volumeBindingMode change    |                     |     |
//	| PersistentVolume     | phase Available or Bound      | retainOnDelete (default): | nodeAffinity, local or      | -                   | 6   |
//	|                      |                               | left in the cluster;      | volumeMode change (deleted  |                     |     |
//	|                      |                               | protect; none (not while  | first)                      |                     |     |
//	|                      |                               | Bound: localpv.KeepBound) |                             |                     |     |
//
// Why:
//
//  1. StatefulSetAnnotations. Deleting a StatefulSet with orphan propagation keeps its pods, so a
//     replacement adopts running pods and their claims instead of killing every pod at once;
//     claims are deleted only when cluster.ClaimRetention asks for it, which needs
//     DeletionBackground (PlanDatabaseCluster checks). A pulumi.com/waitFor condition
//     (PartitionWaitFor) always replaces the provider's own StatefulSet await: that await (v4.25)
//     does not check status.observedGeneration (pulumi-kubernetes#3329, fixed upstream by #4094)
//     and, right after an update, read the previous generation's status and reported an image
//     roll done before any pod restarted (seen on real nodes: tests/realpods); and it waits until
//     every pod runs the new revision, which never happens while a partition holds pods or
//     updates wait for manual deletion (OnDelete). pulumi.com/timeoutSeconds bounds the wait (AwaitTimeoutSeconds, default
//     DefaultAwaitTimeoutSeconds). pulumi.com/patchForce lets an `up` that follows an interrupted
//     one take over the fields the lost field manager owned.
//  2. InitJobAnnotations, InitJobOptions. A Job's template is immutable: a change replaces the Job
//     and runs it again. An image upgrade of the database must not re-run the bootstrap, so the
//     image is ignored; a failed Job is replaced (re-run) on the next `up`
//     (pulumi.com/replaceUnready). The Job depends on the network, never on the StatefulSet: pods
//     may only become Ready after the init ran.
//  3. GoverningServiceAnnotations, ClientServiceAnnotations. A headless Service has no address,
//     and a ClusterIP or NodePort Service's await only waits for its Endpoints to settle (even
//     with none): neither proves anything the StatefulSet's await does not, and both held up the
//     StatefulSet, which depends on the network (BENCHMARKS.md, "Two fixes found by these
//     benchmarks"). A LoadBalancer is awaited for its address.
//  4. registerConfigMap, registerSecret. New content is a new object under a new name; the pod
//     template names it, so the pods roll, and the old object is deleted only after the
//     StatefulSet points at the new one: the ConfigMap's new content is a new resource (its
//     resource name ends with the hash, configMapResourceName), the old one leaves the stack at
//     the end of a successful update; the Secret is replaced create-before-delete under a new
//     autoname.
//  5. StorageClassOptions. Kubernetes refuses changes to these fields; the class keeps its name,
//     so the old one is deleted first. PVs refer to the class by name and are not touched. The
//     class carries localpv.OwnerParameter, so creating it over a class of the same name that
//     the stack did not make fails instead of merging into it (server-side apply creates by
//     patching); with localpv.Spec.ExistingStorageClass no class is registered at all.
//  6. VolumeOptions. A PV's name derives from its node and path, so moving a volume is a new PV;
//     the remaining immutable fields replace it deliberately instead of sending an update the API
//     server would reject. Protection decides what Pulumi may do to a PV (Kubernetes never wipes a
//     local disk).
//  7. NamedObjectOptions. A new namespace, or a new name (a renamed component), makes each
//     object a new one. Created before the old one is deleted (Pulumi's default), an `up` that
//     fails half-way leaves the old objects pending deletion in the state; moving back then
//     applies them again under their old names (server-side apply adopts the live objects) and
//     the same `up` ends by deleting the pending ones, the very objects it just applied: it
//     reports success and leaves the cluster without its Services, ConfigMap, PDB and
//     StatefulSet. Deleted first, nothing is ever pending deletion: a failed move leaves the old
//     namespace without those objects (the pods keep running, orphaned, and keep their claims),
//     and moving back creates them again and adopts the pods (tests/e2e TestRevertedMove). The
//     ConfigMap's resource name ends with its content hash (configMapResourceName), so new content
//     is still created before the old is deleted.
//  8. ClaimTemplateOptions, claimsHook (claims_hook.go). A claim template's storage class,
//     access modes or volume mode reach no existing claim; a change would only replace the
//     StatefulSet for nothing. The changes are ignored, and a before-update hook (run in preview
//     too) refuses them, comparing cluster.ClaimsAnnotation of the live and the new object. A
//     new size is not ignored: the claims grow first (note 9), then the StatefulSet is
//     re-created with the new template and adopts the pods (orphan deletion, note 1).
//  9. ClaimAnnotations, ClaimOptions (claim_patches.go). Each claim of the pods is a
//     PersistentVolumeClaimPatch applied before the StatefulSet: created when missing, adopted
//     when the StatefulSet controller made it, grown in place by a larger size, checked by the
//     same hook as the StatefulSet (a smaller size, a larger one on a local pool, another class
//     are refused before anything changes), and never deleted by Pulumi (retainOnDelete).
//     pulumi.com/patchForce takes the fields over from the controller; pulumi.com/skipAwait,
//     because a claim binds only when its pod is scheduled.
// 10. LifetimeAnnotations, registerLifetime (lifetime.go). The provider deletes a StatefulSet
//     the same way on a replacement and on `destroy`, and a replacement must orphan the pods.
//     So `destroy` goes through another object: the lifetime ConfigMap owns the StatefulSet, is
//     deleted with foreground propagation (the garbage collector deletes the StatefulSet, then
//     its pods, and the ConfigMap goes last), and the StatefulSet is registered DeletedWith it,
//     so Pulumi skips orphaning it first. None with DeletionOrphan.
// 11. registerMembership (membership.go). Named by the replica count, so a change of replicas
//     is a new Job, completed before the StatefulSet (which depends on it) is updated; one
//     attempt (backoffLimit 0), because the provider's Job await only recognises the
//     BackoffLimitExceeded and DeadlineExceeded failures; a failed Job is replaced (re-run) on
//     the next `up` (pulumi.com/replaceUnready); the `up` after a killed one applies the same
//     Job again and takes over the killed run's fields (pulumi.com/patchForce; without it:
//     "Server-Side Apply field conflict", seen on real pods). A new image re-runs it: it is
//     idempotent.
//
// What each object waits for besides its own await: the StatefulSet, the init Job and the
// membership Job depend on the network's Services, the config objects, the pool's StorageClass
// and PVs, the NetworkPolicy and the RBAC objects (DatabaseCluster.register), the StatefulSet on
// the claims and the membership Job too; the claims on the pool's StorageClass and PVs; the PDB
// on the Services; each PV on its StorageClass.
//
// ------------------------------------------------------------------------------------------------

// Provider annotations understood by pulumi-kubernetes.
const (
	annotationDeletionPropagation = "pulumi.com/deletionPropagationPolicy"
	annotationTimeoutSeconds      = "pulumi.com/timeoutSeconds"
	annotationWaitFor             = "pulumi.com/waitFor"
	annotationReplaceUnready      = "pulumi.com/replaceUnready"
	annotationPatchForce          = "pulumi.com/patchForce"
	annotationSkipAwait           = "pulumi.com/skipAwait"
)

// DefaultAwaitTimeoutSeconds bounds how long `pulumi up` waits for the
// StatefulSet to be Ready and the init Job to complete.
const DefaultAwaitTimeoutSeconds = 600

// StatefulSetDeletion is what happens to the pods when Pulumi deletes the
// StatefulSet object: when a change replaces it, and on `destroy`.
type StatefulSetDeletion string

const (
	// DeletionDefault ("", the default): a replacement (new
	// volumeClaimTemplates, serviceName, podManagementPolicy) deletes only
	// the StatefulSet object, so the new one adopts the running pods and
	// their claims instead of killing every pod at once; `destroy` (or
	// removing the cluster from the program) deletes the pods too, and
	// waits for them, through the lifetime ConfigMap that owns the
	// StatefulSet (lifetime.go). Claims and volumes stay either way.
	DeletionDefault StatefulSetDeletion = ""
	// DeletionOrphan keeps the pods in both cases: also `destroy` leaves
	// them running, unmanaged, until you delete them (kubectl delete pod -l
	// app.kubernetes.io/instance=<name>). No lifetime ConfigMap.
	DeletionOrphan StatefulSetDeletion = "orphan"
	// DeletionBackground deletes the pods with the StatefulSet in both
	// cases: a replacement restarts every pod. Claims are still kept (see
	// cluster.ClaimRetention).
	DeletionBackground StatefulSetDeletion = "background"
)

// StatefulSetAnnotations are the provider annotations on the StatefulSet:
// orphan deletion (unless DeletionBackground), the await timeout, forced
// server-side apply, and always the readiness condition PartitionWaitFor in
// place of the provider's own await (see the table above, note 1).
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
// StatefulSet. Without a partition (P = 0) it means: every replica Ready
// and running the newest revision, i.e. the rollout is complete.
//
// With OnDelete, or a partition that holds every pod, no pod moves on its
// own: the condition is every replica Ready. With a partition P below the
// replicas N, the N-P pods at or above the partition must also run the new
// revision: {.status.readyReplicas}=N alone is already true in the first
// status the controller writes for the new generation (the old pods are
// still Ready), so `up` would return before any pod moved, and report
// success for an image that never started. The condition is an RFC 9535
// filter (pulumi-kubernetes >= 4.18 evaluates waitFor with
// github.com/theory/jsonpath) on the object's members, so it selects
// .status only when both counts hold; "updatedReplicas > N-P-1" means "at
// least N-P", as a ">=" would not parse (the annotation's "=" separates the
// path from a value). Pods created by the StatefulSet (first `up`,
// scale-up) are counted as updated too, so the condition holds after
// creation as well. The provider checks .status.observedGeneration first,
// so an old status never matches.
func PartitionWaitFor(replicas int32, us cluster.UpdateStrategy) string {
	if us.Type == k8sapps.OnDeleteStatefulSetStrategyType || us.Partition >= replicas {
		return fmt.Sprintf("jsonpath={.status.readyReplicas}=%d", replicas)
	}
	return fmt.Sprintf("jsonpath={$[?@.readyReplicas==%d && @.updatedReplicas>%d]}", replicas, replicas-us.Partition-1)
}

// NamedObjectOptions are the resource options of every child of a cluster or
// network whose name the plan decides: all but the autonamed Secret
// (StatefulSet, Services, ConfigMap, PDB, init Job, NetworkPolicy,
// ServiceAccount, Role, RoleBinding). See note 7 of the table.
func NamedObjectOptions() pulumi.ResourceOption {
	return pulumi.DeleteBeforeReplace(true)
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

// GoverningServiceAnnotations are the provider annotations on the governing
// (headless) Service: it is not awaited. It has no address to wait for, and
// the provider does not wait for its endpoints either; it exists once its
// create returns, which is all the pods' DNS names need.
func GoverningServiceAnnotations() map[string]string {
	return map[string]string{annotationSkipAwait: "true"}
}

// ClientServiceAnnotations are the provider annotations on the client
// Service. For a ClusterIP or NodePort Service the provider's await only
// waits for its Endpoints to stay unchanged for 10 seconds (and succeeds
// even with no endpoints at all), so it proves nothing the StatefulSet's
// own readiness await does not, and it would hold the StatefulSet (which
// depends on the network) for those 10 seconds: the Service is not
// awaited. A LoadBalancer is still awaited, for its address.
func ClientServiceAnnotations(t k8score.ServiceType) map[string]string {
	if t == k8score.ServiceTypeLoadBalancer {
		return nil
	}
	return map[string]string{annotationSkipAwait: "true"}
}

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
	// never wipes local volumes), except Bound ones: the pool registers the
	// admission policy of localpv.KeepBound, so deleting a PV a claim holds
	// (a volume removed from the pool, a PV replaced) fails at once, naming
	// the claim, instead of leaving the PV Terminating until the claim goes
	// and deleting it then. The policy's binding depends on the PVs, so a
	// destroy deletes it first.
	ProtectNone Protection = "none"
)

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

// VolumeOptions are the resource options of a pool's PV; class is the
// pool's StorageClass, which the PV waits for, or nil when the pool uses an
// existing class. A PV's name is derived from its node and path, so moving a volume creates a new PV rather
// than replacing one. The remaining immutable fields (node affinity, local
// source, volume mode) replace the PV deliberately instead of sending an
// update the API server would reject.
func VolumeOptions(parent pulumi.Resource, class pulumi.Resource, p Protection) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{
		pulumi.Parent(parent),
		pulumi.ReplaceOnChanges([]string{"spec.nodeAffinity", "spec.local", "spec.volumeMode"}),
		pulumi.DeleteBeforeReplace(true),
	}
	if class != nil { // nil with an existing StorageClass
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{class}))
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
