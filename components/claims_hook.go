package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// Claims of a running cluster: a new size, storage class (a new pool),
// access modes or volume mode would reach no existing claim (see
// pkg/cluster/claimchanges.go). The StatefulSet ignores changes to those
// fields of its claim templates (ClaimTemplateOptions), so they no longer
// replace it for nothing, and a hook run before every update of it, in
// `preview` too, compares the claims recorded in the live object's
// cluster.ClaimsAnnotation with the new ones and refuses the update with
// what to do.

// claimsHook registers the before-update hook of the StatefulSet of
// cluster name.
func claimsHook(ctx *pulumi.Context, name string) (*pulumi.ResourceHook, error) {
	return ctx.RegisterResourceHook(naming.Child(name, "claims"), func(args *pulumi.ResourceHookArgs) error {
		return refuseClaimChanges(name, args.OldInputs, args.NewInputs)
	}, &pulumi.ResourceHookOptions{OnDryRun: true})
}

// refuseClaimChanges is the hook's check: an error naming each change of
// a claim's recorded fields from the old inputs of the StatefulSet to the
// new ones.
func refuseClaimChanges(name string, old, new resource.PropertyMap) error {
	changes := cluster.ClaimChanges(claimsRecord(old), claimsRecord(new))
	if len(changes) == 0 {
		return nil
	}
	return fmt.Errorf("%s %q: the claims of the running cluster cannot follow:\n  %s", cluster.Kind, name, strings.Join(changes, "\n  "))
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
// templates: changes to their size, storage class, access modes and
// volume mode are ignored (they would reach no existing claim), and hook
// refuses them before the update (claimsHook).
func ClaimTemplateOptions(n int, hook *pulumi.ResourceHook) pulumi.ResourceOption {
	if n == 0 {
		return pulumi.Composite()
	}
	return pulumi.Composite(
		pulumi.IgnoreChanges(cluster.ClaimTemplatePaths(n)),
		pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeUpdate: []*pulumi.ResourceHook{hook}}),
	)
}
