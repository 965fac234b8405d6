package cluster

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// UpdateStrategy is how template changes reach the pods.
type UpdateStrategy struct {
	// Type is RollingUpdate (default) or OnDelete.
	Type appsv1.StatefulSetUpdateStrategyType
	// Partition holds pods with an ordinal below it on the old revision
	// (RollingUpdate only): lower it step by step for a phased upgrade.
	Partition int32
	// MaxUnavailable pods during a rolling update (Kubernetes >= 1.24 with
	// the MaxUnavailableStatefulSet feature), optional.
	MaxUnavailable *intstr.IntOrString
}

// ClaimRetention is the StatefulSet's persistentVolumeClaimRetentionPolicy.
type ClaimRetention struct {
	// WhenDeleted: Retain (default) keeps the claims when the StatefulSet
	// is deleted; Delete deletes them with it.
	WhenDeleted appsv1.PersistentVolumeClaimRetentionPolicyType
	// WhenScaled: Retain (default) keeps the claims of pods a scale-down
	// removes; Delete deletes them.
	WhenScaled appsv1.PersistentVolumeClaimRetentionPolicyType
}

// statefulSet plans the StatefulSet: the workload fields here, the pod
// template (pod.go) and the claim templates (claims.go).
func (p *Plan) statefulSet(objLabels map[string]string) *appsv1.StatefulSet {
	s := &p.Spec
	sts := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: p.meta(p.Name, objLabels),
		Spec: appsv1.StatefulSetSpec{
			Replicas:             new(s.Replicas),
			Selector:             &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
			ServiceName:          s.Network.ServiceName,
			PodManagementPolicy:  s.PodManagementPolicy,
			MinReadySeconds:      s.MinReadySeconds,
			RevisionHistoryLimit: s.RevisionHistoryLimit,
			UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: s.UpdateStrategy.Type},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: s.ClaimRetention.WhenDeleted,
				WhenScaled:  s.ClaimRetention.WhenScaled,
			},
			Template:             p.podTemplate(objLabels),
			VolumeClaimTemplates: p.claimTemplates(),
		},
	}
	if s.UpdateStrategy.Type == appsv1.RollingUpdateStatefulSetStrategyType {
		sts.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{
			Partition:      new(s.UpdateStrategy.Partition),
			MaxUnavailable: s.UpdateStrategy.MaxUnavailable,
		}
	}
	if s.OrdinalStart != 0 {
		sts.Spec.Ordinals = &appsv1.StatefulSetOrdinals{Start: s.OrdinalStart}
	}
	if len(sts.Spec.VolumeClaimTemplates) > 0 {
		sts.Annotations = labels.Merge(sts.Annotations, map[string]string{ClaimsAnnotation: p.claimsAnnotation(sts.Spec.VolumeClaimTemplates)})
	}
	return sts
}

// workload checks the StatefulSet's own fields and the pods' identity.
func (v *validator) workload(root *validation.Path) {
	s := &v.spec
	network.ValidateOrdinals(v.List, root, s.Replicas, s.OrdinalStart)
	v.workloadKind(root)
	switch s.PodManagementPolicy {
	case appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement:
	default:
		validation.NotSupported(v.List, root.Child("podManagementPolicy"), s.PodManagementPolicy, appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement)
	}
	us := root.Child("updateStrategy")
	switch s.UpdateStrategy.Type {
	case appsv1.RollingUpdateStatefulSetStrategyType:
		if p := s.UpdateStrategy.Partition; p < 0 {
			v.Invalid(us.Child("partition"), p, "must be >= 0")
		} else if p > s.Replicas && s.Replicas >= 1 {
			v.Invalid(us.Child("partition"), p, fmt.Sprintf("must be <= replicas (%d): pods with an ordinal index >= partition are updated; use %d to hold every pod", s.Replicas, s.Replicas))
		}
		if mu := s.UpdateStrategy.MaxUnavailable; mu != nil {
			v.intOrPercent(us.Child("maxUnavailable"), *mu, 1, s.Replicas)
		}
	case appsv1.OnDeleteStatefulSetStrategyType:
		if s.UpdateStrategy.Partition != 0 {
			v.Forbidden(us.Child("partition"), "partition only applies to type RollingUpdate; remove it or change type")
		}
		if s.UpdateStrategy.MaxUnavailable != nil {
			v.Forbidden(us.Child("maxUnavailable"), "maxUnavailable only applies to type RollingUpdate; remove it or change type")
		}
	default:
		validation.NotSupported(v.List, us.Child("type"), s.UpdateStrategy.Type, appsv1.RollingUpdateStatefulSetStrategyType, appsv1.OnDeleteStatefulSetStrategyType)
	}
	if s.MinReadySeconds < 0 {
		v.Invalid(root.Child("minReadySeconds"), s.MinReadySeconds, "must be >= 0")
	}
	if s.RevisionHistoryLimit != nil && *s.RevisionHistoryLimit < 0 {
		v.Invalid(root.Child("revisionHistoryLimit"), *s.RevisionHistoryLimit, "must be >= 0")
	}
	cr := root.Child("claimRetention")
	for _, f := range []struct {
		name string
		val  appsv1.PersistentVolumeClaimRetentionPolicyType
	}{{"whenDeleted", s.ClaimRetention.WhenDeleted}, {"whenScaled", s.ClaimRetention.WhenScaled}} {
		switch f.val {
		case appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType:
		default:
			validation.NotSupported(v.List, cr.Child(f.name), f.val, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType)
		}
	}
	if s.TerminationGracePeriodSeconds != nil && *s.TerminationGracePeriodSeconds < 0 {
		v.Invalid(root.Child("terminationGracePeriodSeconds"), *s.TerminationGracePeriodSeconds, "must be >= 0")
	}
	// The account spec.access creates under a name of spec.objects is
	// checked as spec.objects.serviceAccount.name.
	if s.ServiceAccountName != "" && (s.Access == nil || s.ServiceAccountName != s.Objects.ServiceAccount.Name) {
		v.DNSSubdomain(root.Child("serviceAccountName"), s.ServiceAccountName)
	}
	if s.PriorityClassName != "" {
		v.DNSSubdomain(root.Child("priorityClassName"), s.PriorityClassName)
	}
	for i, n := range s.ImagePullSecrets {
		v.DNSSubdomain(root.Child("imagePullSecrets").Index(i), n)
	}
}

// intOrPercent checks an int (lo..hi) or a percentage ("0%".."100%") of
// the replicas hi.
func (v *validator) intOrPercent(p *validation.Path, val intstr.IntOrString, lo, hi int32) {
	if val.Type == intstr.String {
		if msgs := k8svalidation.IsValidPercent(val.StrVal); len(msgs) > 0 {
			v.Invalid(p, val.StrVal, "must be an integer or a percentage such as \"50%\"")
		} else if n := percent(val.StrVal); n > 100 {
			v.Invalid(p, val.StrVal, "must be at most \"100%\"")
		} else if n < int(lo) {
			v.Invalid(p, val.StrVal, fmt.Sprintf("must be at least \"%d%%\"", lo))
		}
		return
	}
	if val.IntVal < lo || val.IntVal > hi {
		v.Invalid(p, val.IntVal, fmt.Sprintf("must be between %d and replicas (%d)", lo, hi))
	}
}

func percent(s string) int {
	n := 0
	fmt.Sscanf(strings.TrimSuffix(s, "%"), "%d", &n)
	return n
}
