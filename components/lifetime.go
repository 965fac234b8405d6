package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// The cluster's lifetime: `destroy` deletes the pods, a replacement keeps
// them (pkg/cluster/lifetime.go).
//
// Contract: with the default deletion, the StatefulSet is owned by the
// lifetime ConfigMap, registered before it and after everything the
// StatefulSet depends on, and is registered "deleted with" it
// (pulumi.DeletedWith). So:
//
//   - `destroy`, or removing the cluster from the program, deletes the
//     ConfigMap with foreground propagation: Kubernetes deletes the
//     StatefulSet and its pods, and the deletion returns once they are
//     gone. Pulumi skips its own deletion of the StatefulSet (which would
//     orphan the pods first). Everything the StatefulSet depends on (config,
//     Services, claims, the pool's volumes) is deleted after that, as it
//     was after the StatefulSet. Claims and volumes stay.
//   - A replacement of the StatefulSet deletes it alone, with orphan
//     propagation: the new one adopts the running pods (no restart), and
//     is owned by the same ConfigMap.
//   - A move to another namespace or name replaces the ConfigMap as well:
//     the old namespace's StatefulSet and pods are deleted with it; the
//     claims stay, and moving back starts the pods on them again.
//
// DeletionOrphan registers no lifetime ConfigMap: `destroy` then leaves the
// pods running (the behaviour before this), to be deleted by hand.

// lifetimeResourceName is the lifetime ConfigMap's resource name.
func lifetimeResourceName(name string) string { return naming.Child(name, "lifetime") }

// LifetimeAnnotations are the provider annotations of the lifetime
// ConfigMap: deleting it waits for the StatefulSet and its pods.
func LifetimeAnnotations() map[string]string {
	return map[string]string{annotationDeletionPropagation: "foreground"}
}

// registerLifetime registers the lifetime ConfigMap of the plan in ns.
func registerLifetime(ctx *pulumi.Context, name string, plan *cluster.Plan, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.ConfigMap, error) {
	cm := plan.LifetimeObject()
	cm.Annotations = labels.Merge(cm.Annotations, LifetimeAnnotations())
	return registerConfigMap(ctx, lifetimeResourceName(name), cm, ns, opts...)
}

// ownedMeta is the metadata m of an object in namespace ns, owned by the
// lifetime ConfigMap lifetime of plan: only the owner's UID waits for
// Pulumi, the rest (labels, annotations the hooks read) is known when the
// program runs.
func ownedMeta(m k8smeta.ObjectMeta, ns pulumi.StringInput, plan *cluster.Plan, lifetime *corev1.ConfigMap) metav1.ObjectMetaInput {
	name := plan.LifetimeObject().Name
	// No UID (render mode writes manifests without an API server): no
	// owner, instead of an owner reference the API server would refuse.
	owners := lifetime.Metadata.Uid().ApplyT(func(uid *string) []metav1.OwnerReference {
		if uid == nil || *uid == "" {
			return nil
		}
		o := cluster.LifetimeOwner(name, types.UID(*uid))
		return []metav1.OwnerReference{{
			ApiVersion: o.APIVersion, Kind: o.Kind, Name: o.Name, Uid: string(o.UID), BlockOwnerDeletion: o.BlockOwnerDeletion,
		}}
	}).(metav1.OwnerReferenceArrayOutput)
	args := metav1.ObjectMetaArgs{Name: pulumi.String(m.Name), OwnerReferences: owners}
	if ns != nil {
		args.Namespace = ns
	}
	if len(m.Labels) > 0 {
		args.Labels = pulumi.ToStringMap(m.Labels)
	}
	if len(m.Annotations) > 0 {
		args.Annotations = pulumi.ToStringMap(m.Annotations)
	}
	return args
}
