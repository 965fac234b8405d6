// Package bridge converts plain k8s.io/api values into the pulumi-kubernetes
// SDK's plain types, so a plan built without Pulumi can be registered as
// typed resources. It is the only place where the two type systems meet.
package bridge

import (
	"encoding/json"
	"fmt"

	metav1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Convert round-trips in through JSON into T, the SDK's plain struct of the
// same Kubernetes type. The SDK's struct fields carry no JSON tags, so field
// names match case-insensitively, which is exactly how Kubernetes names them.
func Convert[T any](in any) (T, error) {
	var out T
	b, err := json.Marshal(in)
	if err != nil {
		return out, fmt.Errorf("bridge: marshal %T: %w", in, err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("bridge: unmarshal %T into %T: %w", in, out, err)
	}
	return out, nil
}

// Meta converts object metadata. ns is nil for cluster-scoped objects and
// for namespaced objects that use the provider's default namespace. When
// autoname is true the name is left to Pulumi (name + random suffix).
func Meta(m metav1.ObjectMeta, ns pulumi.StringInput, autoname bool) metav1sdk.ObjectMetaArgs {
	out := metav1sdk.ObjectMetaArgs{}
	if !autoname {
		out.Name = pulumi.String(m.Name)
	}
	if ns != nil {
		out.Namespace = ns
	}
	if len(m.Labels) > 0 {
		out.Labels = pulumi.ToStringMap(m.Labels)
	}
	if len(m.Annotations) > 0 {
		out.Annotations = pulumi.ToStringMap(m.Annotations)
	}
	return out
}
