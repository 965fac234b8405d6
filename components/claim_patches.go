package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// The cluster's claims, declared (pkg/cluster/claimobjects.go).
//
// Contract: when the claims are registered, every claim of the pods
// (cluster.Plan.ClaimObjects) exists with the declared labels,
// annotations and spec, and the StatefulSet is registered only after
// them. A larger size has been accepted by the API server for every claim;
// the storage's resizer completes it (status.capacity), Pulumi does not
// wait for that.
//
// Why a PersistentVolumeClaimPatch per claim, applied before the
// StatefulSet, and not the StatefulSet's templates alone: Kubernetes never
// resizes the claims of a StatefulSet (kubernetes/kubernetes#68737). The
// provider's Patch resources are server-side applies that create the
// object when it is missing and adopt it when it exists, and deleting one
// only gives up its fields. So:
//
//   - a new cluster's claims are created before the StatefulSet, which uses
//     them as its own (the controller finds claims by name);
//   - a running cluster's claims, made by the controller, are adopted
//     unchanged on the first `up` with this version;
//   - a larger size is an update of each claim, shown by `preview` one
//     claim at a time, and applied before the StatefulSet is re-created
//     with the new template (deletion orphan keeps the pods: no restart);
//     when the API server refuses it (a class without
//     allowVolumeExpansion), `up` fails on the claims and the StatefulSet
//     is untouched;
//   - what no claim can follow is refused before anything changes by the
//     same before-update hook as the StatefulSet's (claimsHook);
//   - removing a claim from the program (scale-down, destroy) never deletes
//     it: RetainOnDelete leaves the object and its data, as the
//     StatefulSet's retention policy decides.
//
// pulumi.com/patchForce takes the fields over from the StatefulSet
// controller, which made the claims of a running cluster; pulumi.com/skipAwait
// returns once the claim is applied (a claim binds only when its pod is
// scheduled, which the StatefulSet's await covers). Both annotations land
// on the claims too; the provider reads them from there only.

// ClaimAnnotations are the provider annotations of each claim.
func ClaimAnnotations() map[string]string {
	return map[string]string{annotationPatchForce: "true", annotationSkipAwait: "true"}
}

// ClaimOptions are the resource options of each claim: never deleted by
// Pulumi, and checked by hook before an update.
func ClaimOptions(hook *pulumi.ResourceHook) pulumi.ResourceOption {
	return pulumi.Composite(
		pulumi.RetainOnDelete(true),
		pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}),
	)
}

// claimResourceName is the resource name of the claim named claim of
// cluster name: "<name>-claim-<claim>" ("db-claim-data-db-0").
func claimResourceName(name, claim string) string {
	return naming.Child(name, "claim-"+claim)
}

// registerClaims registers the claims of the plan, in the namespace ns,
// after deps, each checked by hook; it returns them for the StatefulSet to
// depend on.
func registerClaims(ctx *pulumi.Context, name string, plan *cluster.Plan, deployed *deployTime, ns pulumi.StringInput,
	hook *pulumi.ResourceHook, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	reads := cluster.Reads{StorageClass: plan.StatefulSetReads().StorageClass}
	planned := plan.ClaimObjects(deployed.known)
	templates := len(plan.StatefulSet.Spec.VolumeClaimTemplates)
	if len(planned) == 0 {
		return nil, nil // no claims, or no replicas
	}
	out := make([]pulumi.Resource, 0, len(planned))
	for t := range templates {
		// The claims of one template share its spec: one tree each.
		spec, err := resolveSpec(deployed, reads, func(d cluster.Deployed) (any, error) {
			return bridge.Tree[corev1.PersistentVolumeClaimSpec](plan.ResolveClaimTemplates(d)[t].Spec)
		})
		if err != nil {
			return nil, childError(kubetypes.PersistentVolumeClaimPatch, claimResourceName(name, plan.StatefulSet.Spec.VolumeClaimTemplates[t].Name), err)
		}
		perTemplate := len(planned) / templates
		for _, pvc := range planned[t*perTemplate : (t+1)*perTemplate] {
			meta := pvc.ObjectMeta
			meta.Annotations = labels.Merge(meta.Annotations, ClaimAnnotations())
			res, err := registerKind[corev1.PersistentVolumeClaimPatch](ctx, claimKind, claimResourceName(name, pvc.Name), pulumi.Map{
				"metadata": bridge.MetaInput(meta, ns, false),
				"spec":     spec,
			}, append(opts, ClaimOptions(hook))...)
			if err != nil {
				return nil, err
			}
			out = append(out, res)
		}
	}
	return out, nil
}
