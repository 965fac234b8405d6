package localpv

import (
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// The pool's StorageClass, and why a pool never takes over one it did not
// make.
//
// pulumi-kubernetes (v4.25, server-side apply) creates an object by
// applying it: when an object of that name already exists, the apply
// merges into it instead of failing, and `pulumi destroy` later deletes it.
// For a cluster-wide StorageClass that someone else made ("local",
// "local-ssd") that would take the class away from every other user of it.
// So the pool's class carries OwnerParameter among its parameters, which
// Kubernetes never lets change: applied over a class made by anyone else
// (or by another pool or stack), the apply is refused with
// "parameters: Forbidden: updates to parameters are forbidden", in
// `pulumi preview` already, and nothing of the existing class changes. A
// no-provisioner class passes parameters to no one, so the marker has no
// other effect.
//
// To use a class that already exists, set ExistingStorageClass: the pool
// then plans no StorageClass at all, only PVs that name the class, and
// never creates, changes or deletes it.

// OwnerParameter is the StorageClass parameter that marks the pool (and,
// set by the component, the Pulumi project and stack) that owns the class.
const OwnerParameter = "ordinal.dev/owner"

// Owner is the value of OwnerParameter for pool of the given Pulumi
// project and stack ("<project>/<stack>/<pool>"); the plan alone, without
// a stack, uses the pool's name.
func Owner(project, stack, pool string) string { return project + "/" + stack + "/" + pool }

// storageClass plans the pool's StorageClass; nil with ExistingStorageClass.
func storageClass(name string, spec Spec, objLabels map[string]string) *storagev1.StorageClass {
	if spec.ExistingStorageClass {
		return nil
	}
	binding := storagev1.VolumeBindingWaitForFirstConsumer
	reclaim := spec.ReclaimPolicy
	sc := &storagev1.StorageClass{
		TypeMeta: metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        spec.StorageClassName,
			Labels:      objLabels,
			Annotations: labels.Merge(nil, spec.Annotations),
		},
		Provisioner:       Provisioner,
		Parameters:        map[string]string{OwnerParameter: name},
		ReclaimPolicy:     &reclaim,
		VolumeBindingMode: &binding,
		MountOptions:      spec.MountOptions,
	}
	if spec.DefaultClass {
		sc.Annotations = labels.Merge(sc.Annotations, map[string]string{"storageclass.kubernetes.io/is-default-class": "true"})
	}
	return sc
}

// checkExistingStorageClass records what cannot go with ExistingStorageClass.
func checkExistingStorageClass(l *validation.List, spec Spec) {
	if spec.ExistingStorageClass && spec.DefaultClass {
		l.Forbidden(validation.NewPath("spec").Child("defaultClass"),
			"the pool does not own an existing StorageClass and cannot make it the default; annotate the class itself, or unset existingStorageClass")
	}
}
