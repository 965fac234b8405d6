package cluster

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// AntiAffinity is a pod anti-affinity preset.
type AntiAffinity string

// Anti-affinity presets.
const (
	// AntiAffinitySoft prefers one pod per node (the default).
	AntiAffinitySoft AntiAffinity = "soft"
	// AntiAffinityHard requires one pod per node; pods stay Pending when
	// there are fewer nodes than replicas.
	AntiAffinityHard AntiAffinity = "hard"
	// AntiAffinityNone adds no anti-affinity.
	AntiAffinityNone AntiAffinity = "none"
)

// Spread is a topology spread preset.
type Spread string

// Topology spread presets.
const (
	SpreadNone Spread = ""
	// SpreadSoft prefers an even spread (whenUnsatisfiable: ScheduleAnyway).
	SpreadSoft Spread = "soft"
	// SpreadHard requires it (whenUnsatisfiable: DoNotSchedule).
	SpreadHard Spread = "hard"
)

// Scheduling places the pods.
type Scheduling struct {
	// AntiAffinity keeps pods on different nodes; default soft.
	AntiAffinity AntiAffinity
	// AntiAffinityTopologyKey defaults to kubernetes.io/hostname.
	AntiAffinityTopologyKey string
	// ZoneSpread spreads pods evenly across zones.
	ZoneSpread Spread
	// ZoneTopologyKey defaults to topology.kubernetes.io/zone.
	ZoneTopologyKey string
	// Affinity is raw affinity for experts; the presets are merged into it.
	Affinity *corev1.Affinity
	// TopologySpreadConstraints are added after the zone preset.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint
	NodeSelector              map[string]string
	Tolerations               []corev1.Toleration
}

// affinity is spec.scheduling.affinity with the anti-affinity preset
// merged in.
func (p *Plan) affinity() *corev1.Affinity {
	s := p.Spec.Scheduling
	var aff *corev1.Affinity
	if s.Affinity != nil {
		aff = s.Affinity.DeepCopy()
	}
	if s.AntiAffinity == AntiAffinityNone {
		return aff
	}
	if aff == nil {
		aff = &corev1.Affinity{}
	}
	if aff.PodAntiAffinity == nil {
		aff.PodAntiAffinity = &corev1.PodAntiAffinity{}
	}
	term := corev1.PodAffinityTerm{
		LabelSelector: &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
		TopologyKey:   s.AntiAffinityTopologyKey,
	}
	if s.AntiAffinity == AntiAffinityHard {
		aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = append(aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, term)
	} else {
		aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
			corev1.WeightedPodAffinityTerm{Weight: 100, PodAffinityTerm: term})
	}
	return aff
}

// spread is the zone spread preset, then spec.scheduling.topologySpreadConstraints.
func (p *Plan) spread() []corev1.TopologySpreadConstraint {
	s := p.Spec.Scheduling
	var out []corev1.TopologySpreadConstraint
	if s.ZoneSpread != SpreadNone {
		when := corev1.ScheduleAnyway
		if s.ZoneSpread == SpreadHard {
			when = corev1.DoNotSchedule
		}
		out = append(out, corev1.TopologySpreadConstraint{
			MaxSkew:           1,
			TopologyKey:       s.ZoneTopologyKey,
			WhenUnsatisfiable: when,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
		})
	}
	for i := range s.TopologySpreadConstraints {
		out = append(out, corev1.TopologySpreadConstraint{})
		s.TopologySpreadConstraints[i].DeepCopyInto(&out[len(out)-1])
	}
	return out
}

// scheduling checks spec.scheduling. Whether hard anti-affinity fits the
// nodes of a LocalVolumePool is checked with the claims (claims.go).
func (v *validator) scheduling(p *validation.Path) {
	s := v.spec.Scheduling
	switch s.AntiAffinity {
	case AntiAffinitySoft, AntiAffinityHard, AntiAffinityNone:
	default:
		validation.NotSupported(v.List, p.Child("antiAffinity"), s.AntiAffinity, AntiAffinitySoft, AntiAffinityHard, AntiAffinityNone)
	}
	switch s.ZoneSpread {
	case SpreadNone, SpreadSoft, SpreadHard:
	default:
		validation.NotSupported(v.List, p.Child("zoneSpread"), s.ZoneSpread, SpreadSoft, SpreadHard)
	}
	for _, f := range []struct{ name, val string }{{"antiAffinityTopologyKey", s.AntiAffinityTopologyKey}, {"zoneTopologyKey", s.ZoneTopologyKey}} {
		for _, msg := range validation.IsQualifiedName(f.val) {
			v.Invalid(p.Child(f.name), f.val, "must be a node label key ("+msg+")")
		}
	}
	v.Labels(p.Child("nodeSelector"), s.NodeSelector)
	for i, t := range s.Tolerations {
		v.toleration(p.Child("tolerations").Index(i), t)
	}
}

// toleration checks one toleration as the API server does.
func (v *validator) toleration(tp *validation.Path, t corev1.Toleration) {
	switch t.Operator {
	case "", corev1.TolerationOpEqual:
	case corev1.TolerationOpExists:
		if t.Value != "" {
			v.Invalid(tp.Child("value"), t.Value, "must be empty when operator is Exists")
		}
	default:
		validation.NotSupported(v.List, tp.Child("operator"), t.Operator, corev1.TolerationOpEqual, corev1.TolerationOpExists)
	}
	if t.Key == "" && t.Operator != corev1.TolerationOpExists {
		v.Invalid(tp.Child("operator"), string(t.Operator), "an empty key needs operator Exists")
	}
	if t.Key != "" {
		for _, msg := range validation.IsQualifiedName(t.Key) {
			v.Invalid(tp.Child("key"), t.Key, "must be a taint key ("+msg+")")
		}
	}
	if t.Operator != corev1.TolerationOpExists {
		for _, msg := range validation.IsValidLabelValue(t.Value) {
			v.Invalid(tp.Child("value"), t.Value, "must be a taint value ("+msg+")")
		}
	}
	switch t.Effect {
	case "", corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
	default:
		validation.NotSupported(v.List, tp.Child("effect"), t.Effect, corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute)
	}
}
