package cluster

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Disruption configures the PodDisruptionBudget (policy/v1).
//
// A budget that keeps every pod (minAvailable equal to the replicas, or
// maxUnavailable 0) blocks every voluntary eviction: `kubectl drain` and
// node upgrades wait until someone deletes the pod by hand. The default
// never does that; an explicit value may, on purpose (see
// engines.MySQLOptions.BlockEviction).
type Disruption struct {
	// Disabled creates no PodDisruptionBudget.
	Disabled bool
	// MinAvailable or MaxUnavailable; set at most one. With neither, the
	// budget is DefaultBudget: from 3 replicas on it keeps a quorum
	// (minAvailable = floor(replicas/2)+1); with 1 or 2 replicas, whose
	// quorum is every pod, maxUnavailable 1.
	MinAvailable, MaxUnavailable *intstr.IntOrString
	// UnhealthyPodEvictionPolicy is IfHealthyBudget (Kubernetes default) or AlwaysAllow.
	UnhealthyPodEvictionPolicy *policyv1.UnhealthyPodEvictionPolicyType
}

// Quorum is the smallest majority of n members: floor(n/2)+1.
func Quorum(n int32) int32 { return n/2 + 1 }

// DefaultBudget is the budget of a cluster of n replicas that sets neither
// MinAvailable nor MaxUnavailable: minAvailable Quorum(n) when that leaves
// a pod to evict (n >= 3), else maxUnavailable 1. A quorum of 1 or 2
// replicas is every pod, and minAvailable n would block every drain; with
// maxUnavailable 1 a drain proceeds, at the price of the one pod (n = 1)
// or of the quorum (n = 2) while it moves. Exactly one of the two is set.
func DefaultBudget(n int32) (minAvailable, maxUnavailable *intstr.IntOrString) {
	if q := Quorum(n); q < n {
		return new(intstr.FromInt32(q)), nil
	}
	return nil, new(intstr.FromInt32(1))
}

// pdb plans the PodDisruptionBudget; nil when disabled.
func (p *Plan) pdb(objLabels map[string]string) *policyv1.PodDisruptionBudget {
	d := p.Spec.Disruption
	if d != nil && d.Disabled {
		return nil
	}
	pdb := &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: p.child(p.Spec.Objects.PDB, p.Name, objLabels),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
		},
	}
	switch {
	case d != nil && d.MinAvailable != nil:
		pdb.Spec.MinAvailable = new(*d.MinAvailable)
	case d != nil && d.MaxUnavailable != nil:
		pdb.Spec.MaxUnavailable = new(*d.MaxUnavailable)
	default:
		pdb.Spec.MinAvailable, pdb.Spec.MaxUnavailable = DefaultBudget(p.Spec.Replicas)
	}
	if d != nil {
		pdb.Spec.UnhealthyPodEvictionPolicy = d.UnhealthyPodEvictionPolicy
	}
	return pdb
}

// disruption checks spec.disruption against the replicas.
func (v *validator) disruption(p *validation.Path) {
	d := v.spec.Disruption
	if d == nil || d.Disabled {
		return
	}
	n := v.spec.Replicas
	if d.MinAvailable != nil && d.MaxUnavailable != nil {
		v.Forbidden(p, "set minAvailable or maxUnavailable, not both")
	}
	if d.MinAvailable != nil {
		v.intOrPercent(p.Child("minAvailable"), *d.MinAvailable, 0, n)
	}
	if d.MaxUnavailable != nil {
		v.intOrPercent(p.Child("maxUnavailable"), *d.MaxUnavailable, 0, n)
	}
	if pol := d.UnhealthyPodEvictionPolicy; pol != nil {
		switch *pol {
		case policyv1.IfHealthyBudget, policyv1.AlwaysAllow:
		default:
			validation.NotSupported(v.List, p.Child("unhealthyPodEvictionPolicy"), *pol, policyv1.IfHealthyBudget, policyv1.AlwaysAllow)
		}
	}
}
