package components

import (
	"encoding/json"
	"fmt"

	kruise "github.com/openkruise/kruise-api/apps/v1beta1"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	apiextensionsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/utilities"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// An Advanced StatefulSet (spec.workload.kind AdvancedStatefulSet) is
// registered as a pulumi-kubernetes custom resource: the provider knows
// nothing of its kind, so
//   - its await is the same pulumi.com/waitFor condition as a StatefulSet's
//     (PartitionWaitFor): OpenKruise writes the same status fields, and the
//     provider checks .status.observedGeneration first;
//   - the provider previews a custom resource without asking the API
//     server whether it serves the kind, so the component reads OpenKruise's
//     CRD (requireKruise): reads run in `preview` too, and a cluster without
//     OpenKruise fails it, before anything is created;
//   - every option of the StatefulSet (names, claim hook, lifetime owner,
//     deletion propagation, patchForce) applies unchanged: they are
//     generic to Kubernetes objects.

var advancedStatefulSetKind = kubeKind{kubetypes.AdvancedStatefulSet, cluster.AdvancedAPIVersion, cluster.AdvancedKind, nil}

// KruiseCRD is the CustomResourceDefinition that serves Advanced
// StatefulSets.
const KruiseCRD = "statefulsets.apps.kruise.io"

// requireKruise reads OpenKruise's StatefulSet CRD as the child
// "<name>-kruise-crd" (a read: Pulumi never changes or deletes it) and
// returns spec, which fails with what to do when the CRD is there but does
// not serve apps.kruise.io/v1beta1. A missing CRD fails the read itself,
// in `preview` and `up`, naming statefulsets.apps.kruise.io.
func requireKruise(ctx *pulumi.Context, name string, spec pulumi.AnyOutput, opts ...pulumi.ResourceOption) (pulumi.AnyOutput, error) {
	// With the SDK's version, as every child: the same default provider.
	crd, err := apiextensionsv1.GetCustomResourceDefinition(ctx, naming.Child(name, "kruise-crd"), pulumi.ID(KruiseCRD), nil, utilities.PkgResourceDefaultOpts(opts)...)
	if err != nil {
		return pulumi.AnyOutput{}, childError(kubetypes.CustomResourceDefinition, naming.Child(name, "kruise-crd"), err)
	}
	served := crd.Spec.Versions().ApplyT(func(versions []apiextensionsv1.CustomResourceDefinitionVersion) (bool, error) {
		var names []string
		for _, v := range versions {
			if v.Name == "v1beta1" && v.Served {
				return true, nil
			}
			names = append(names, v.Name)
		}
		if len(versions) == 0 {
			return true, nil // not known (yet): the provider checks the kind when it applies
		}
		return false, fmt.Errorf("%s %q: spec.workload.kind is AdvancedStatefulSet, but the cluster's %s serves %v, not v1beta1; upgrade OpenKruise (ordinal needs apps.kruise.io/v1beta1, OpenKruise >= 1.0)", cluster.Kind, name, KruiseCRD, names)
	})
	return pulumi.All(spec, served).ApplyT(func(v []any) any { return v[0] }).(pulumi.AnyOutput), nil
}

// registerAdvancedStatefulSet registers an Advanced StatefulSet whose spec
// tree comes from resolveSpec (advancedSpecTree).
func registerAdvancedStatefulSet(ctx *pulumi.Context, name string, meta pulumi.Input, spec pulumi.AnyOutput, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return registerKind[apiextensions.CustomResource](ctx, advancedStatefulSetKind, name, pulumi.Map{
		"metadata": meta,
		"spec":     spec,
	}, opts...)
}

// advancedSpecTree is the property tree of an Advanced StatefulSet's spec:
// its JSON, as the API server stores it, without null values and without
// the claim templates' empty status. The SDK has no type for it to convert
// into (bridge.Tree), so the JSON names are the property names.
func advancedSpecTree(spec kruise.StatefulSetSpec) (any, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("encoding the Advanced StatefulSet's spec: %w", err)
	}
	var tree map[string]any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, fmt.Errorf("decoding the Advanced StatefulSet's spec: %w", err)
	}
	if templates, ok := tree["volumeClaimTemplates"].([]any); ok {
		for _, t := range templates {
			if m, ok := t.(map[string]any); ok {
				delete(m, "status")
			}
		}
	}
	return dropNulls(tree), nil
}

// dropNulls removes the null members of JSON objects (an unset
// creationTimestamp is encoded as null), recursively.
func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e == nil {
				delete(v, k)
				continue
			}
			v[k] = dropNulls(e)
		}
	case []any:
		for i, e := range v {
			v[i] = dropNulls(e)
		}
	}
	return v
}

// nameOfPtr is nameOf for the optional metadata of a custom resource.
func nameOfPtr(meta metav1.ObjectMetaPtrOutput) pulumi.StringOutput {
	return meta.ApplyT(func(m *metav1.ObjectMeta) string {
		if m == nil || m.Name == nil {
			return ""
		}
		return *m.Name
	}).(pulumi.StringOutput)
}
