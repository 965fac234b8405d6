package components

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8score "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// Claims of a running cluster: a smaller size, a larger one on a
// local-volume pool, a new storage class (a new pool), access modes or
// volume mode would reach no existing claim (pkg/cluster/claimchanges.go).
// One hook, run before every update of the StatefulSet and of each claim
// (claim_patches.go), in `preview` too, compares what the claims had with
// what they are given and refuses the update with what to do. The claims
// are registered before the StatefulSet, so a refused change stops `up`
// before any object changes. The StatefulSet's record is its
// cluster.ClaimsAnnotation (it ignores changes to the fields no claim can
// follow, ClaimTemplateOptions, so they never replace it for nothing); a
// claim's record is its spec.

// claimsHook registers the before-update hook of the StatefulSet and the
// claims of cluster name, planned as plan.
func claimsHook(ctx *pulumi.Context, name string, plan *cluster.Plan) (*pulumi.ResourceHook, error) {
	return ctx.RegisterResourceHook(naming.Child(name, "claims"), func(args *pulumi.ResourceHookArgs) error {
		return refuseClaimChanges(name, plan, args.OldInputs, args.NewInputs)
	}, &pulumi.ResourceHookOptions{OnDryRun: true})
}

// refuseClaimChanges is the hook's check: an error naming each change of
// a claim's recorded fields from the old inputs of the StatefulSet or of
// a claim to the new ones.
func refuseClaimChanges(name string, plan *cluster.Plan, old, new resource.PropertyMap) error {
	var changes []string
	if kindOf(new) == "PersistentVolumeClaim" {
		changes = cluster.CompareClaims(claimRecords(plan, old), claimRecords(plan, new), plan.FixedSizeClasses())
	} else {
		changes = cluster.ClaimChanges(claimsRecord(old), claimsRecord(new), plan.FixedSizeClasses())
	}
	if len(changes) == 0 {
		return nil
	}
	return fmt.Errorf("%s %q: the claims of the running cluster cannot follow:\n  %s", cluster.Kind, name, strings.Join(changes, "\n  "))
}

// kindOf is the kind property of a Kubernetes resource's inputs.
func kindOf(inputs resource.PropertyMap) string {
	if v, ok := inputs["kind"]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// claimRecords is the record of a claim's inputs, under the name of the
// template it was made from; none while the spec is not known.
func claimRecords(plan *cluster.Plan, inputs resource.PropertyMap) []cluster.ClaimRecord {
	meta, spec := inputs["metadata"], inputs["spec"]
	if !meta.IsObject() || !spec.IsObject() || spec.ContainsUnknowns() {
		return nil
	}
	claim, ok := meta.ObjectValue()["name"]
	if !ok || !claim.IsString() {
		return nil
	}
	template, ok := plan.ClaimTemplateOf(claim.StringValue())
	if !ok {
		return nil
	}
	b, err := json.Marshal(spec.ObjectValue().Mappable())
	var s k8score.PersistentVolumeClaimSpec
	if err != nil || json.Unmarshal(b, &s) != nil {
		return nil
	}
	return []cluster.ClaimRecord{cluster.ClaimRecordOf(template, s)}
}

// claimsRecord is the cluster.ClaimsAnnotation of a StatefulSet's inputs;
// "" when there is none (or it is not known yet).
func claimsRecord(inputs resource.PropertyMap) string {
	meta, ok := inputs["metadata"]
	if !ok || !meta.IsObject() {
		return ""
	}
	ann, ok := meta.ObjectValue()["annotations"]
	if !ok || !ann.IsObject() {
		return ""
	}
	v, ok := ann.ObjectValue()[resource.PropertyKey(cluster.ClaimsAnnotation)]
	if !ok || !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// ClaimTemplateOptions are the StatefulSet's options for its n claim
// templates: changes to their storage class, access modes and volume mode
// are ignored (they would reach no existing claim), and hook refuses them
// before the update (claimsHook). A new size is not ignored: it re-creates
// the StatefulSet with the new template, after the claims grew.
func ClaimTemplateOptions(n int, hook *pulumi.ResourceHook) pulumi.ResourceOption {
	if n == 0 {
		return pulumi.Composite()
	}
	return pulumi.Composite(
		pulumi.IgnoreChanges(cluster.ClaimTemplatePaths(n)),
		pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}),
	)
}
