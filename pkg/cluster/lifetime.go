package cluster

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// The cluster's lifetime object.
//
// A StatefulSet that is replaced (a new claim template, serviceName or pod
// management policy) must be deleted with orphan propagation, so that the
// new one adopts the running pods instead of killing them all at once; but
// `destroy` must not leave the database's pods running behind a deleted
// StatefulSet (pulumi-kubernetes#3757). The provider deletes an object the
// same way for both, so the two are told apart by a second object that
// only `destroy` (or removing the cluster from the program) deletes: the
// lifetime ConfigMap. It owns the StatefulSet (an ownerReference with
// blockOwnerDeletion), and deleting it with foreground propagation makes
// Kubernetes' garbage collector delete the StatefulSet and then its pods,
// and wait for them; the claims stay as the StatefulSet's retention policy
// says (Retain by default). The components register the StatefulSet
// "deleted with" it, so that Pulumi leaves that deletion to the garbage
// collector instead of orphaning the pods first.

// LifetimeObject is the cluster's lifetime ConfigMap,
// "<statefulset>-lifetime", labelled like the cluster's other objects. Its
// data only says what it is for.
func (p *Plan) LifetimeObject() *corev1.ConfigMap {
	sts := p.StatefulSet.Name
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: p.meta(naming.Child(sts, "lifetime"), p.StatefulSet.Labels),
		Data: map[string]string{
			"README": "This ConfigMap owns the StatefulSet " + sts + ". Deleting it deletes the StatefulSet and its pods " +
				"(pulumi destroy does); the claims stay unless the StatefulSet's persistentVolumeClaimRetentionPolicy deletes them.\n",
		},
	}
}

// LifetimeOwner is the ownerReference that puts a StatefulSet under the
// lifetime ConfigMap named name with uid: deleting the ConfigMap deletes
// the StatefulSet, and a foreground deletion of it waits for the
// StatefulSet to be gone.
func LifetimeOwner(name string, uid types.UID) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion: "v1", Kind: "ConfigMap", Name: name, UID: uid,
		BlockOwnerDeletion: new(true),
	}
}
