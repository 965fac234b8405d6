package cluster

import (
	"fmt"

	kruisepub "github.com/openkruise/kruise-api/apps/pub"
	kruise "github.com/openkruise/kruise-api/apps/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// AdvancedAPIVersion and AdvancedKind are the Advanced StatefulSet's
// apiVersion and kind (OpenKruise's CRD).
const (
	AdvancedAPIVersion = "apps.kruise.io/v1beta1"
	AdvancedKind       = "StatefulSet"
)

// MaxAdvancedMinReadySeconds is OpenKruise's limit of minReadySeconds.
const MaxAdvancedMinReadySeconds = kruise.MaxMinReadySeconds

// AdvancedStatefulSet is the Advanced StatefulSet that runs the pods of
// sts (the plan's StatefulSet, resolved or not) when spec.workload.kind is
// AdvancedStatefulSet: the same metadata, pod template and claim
// templates, with the workload's reserved ordinals, pod update policy and
// scale strategy. Every field OpenKruise's webhook would default is set, so
// that what Pulumi applies is what the cluster keeps.
//
// Partition counts pods here: the Partition pods with the lowest ordinals
// stay on the old revision (OpenKruise's meaning, which skips reserved
// ordinals); without reserved ordinals that is the StatefulSet's meaning.
func (p *Plan) AdvancedStatefulSet(sts *appsv1.StatefulSet) *kruise.StatefulSet {
	s := &p.Spec
	w := s.Workload
	in := sts.Spec
	out := &kruise.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: AdvancedAPIVersion, Kind: AdvancedKind},
		ObjectMeta: *sts.ObjectMeta.DeepCopy(),
		Spec: kruise.StatefulSetSpec{
			Replicas:             in.Replicas,
			Selector:             in.Selector,
			Template:             *in.Template.DeepCopy(),
			VolumeClaimTemplates: in.VolumeClaimTemplates,
			ServiceName:          in.ServiceName,
			PodManagementPolicy:  in.PodManagementPolicy,
			RevisionHistoryLimit: in.RevisionHistoryLimit,
			UpdateStrategy:       kruise.StatefulSetUpdateStrategy{Type: in.UpdateStrategy.Type},
		},
	}
	if r := in.PersistentVolumeClaimRetentionPolicy; r != nil {
		out.Spec.PersistentVolumeClaimRetentionPolicy = &kruise.StatefulSetPersistentVolumeClaimRetentionPolicy{
			WhenDeleted: kruise.PersistentVolumeClaimRetentionPolicyType(r.WhenDeleted),
			WhenScaled:  kruise.PersistentVolumeClaimRetentionPolicyType(r.WhenScaled),
		}
	}
	if in.Ordinals != nil {
		out.Spec.Ordinals = &kruise.StatefulSetOrdinals{Start: in.Ordinals.Start}
	}
	for _, o := range w.ReserveOrdinals {
		out.Spec.ReserveOrdinals = append(out.Spec.ReserveOrdinals, intstr.FromInt32(o))
	}
	if w.ScaleMaxUnavailable != nil {
		out.Spec.ScaleStrategy = &kruise.StatefulSetScaleStrategy{MaxUnavailable: new(*w.ScaleMaxUnavailable)}
	}
	if in.UpdateStrategy.Type == appsv1.RollingUpdateStatefulSetStrategyType {
		ru := &kruise.RollingUpdateStatefulSetStrategy{
			Partition:       new(s.UpdateStrategy.Partition),
			MaxUnavailable:  new(intstr.FromInt32(1)),
			PodUpdatePolicy: kruise.PodUpdateStrategyType(w.PodUpdatePolicy),
			MinReadySeconds: new(in.MinReadySeconds),
		}
		if mu := s.UpdateStrategy.MaxUnavailable; mu != nil {
			ru.MaxUnavailable = new(*mu)
		}
		out.Spec.UpdateStrategy.RollingUpdate = ru
		if w.PodUpdatePolicy != PodUpdateReCreate {
			// OpenKruise requires this gate for in-place updates: it holds
			// the pod out of its Services while its containers restart.
			out.Spec.Template.Spec.ReadinessGates = append(out.Spec.Template.Spec.ReadinessGates,
				corev1.PodReadinessGate{ConditionType: kruisepub.InPlaceUpdateReady})
		}
	}
	return out
}

// advanced checks what an Advanced StatefulSet cannot take of the rest of
// the spec.
func (v *validator) advanced(root *validation.Path) {
	if n := v.spec.MinReadySeconds; n > MaxAdvancedMinReadySeconds {
		v.Invalid(root.Child("minReadySeconds"), n, fmt.Sprintf("must be at most %d with an Advanced StatefulSet (OpenKruise's limit)", MaxAdvancedMinReadySeconds))
	}
}
