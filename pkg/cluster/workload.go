package cluster

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// WorkloadKind is the controller that runs the cluster's pods.
type WorkloadKind string

const (
	// WorkloadStatefulSet is the apps/v1 StatefulSet (the default).
	WorkloadStatefulSet WorkloadKind = "StatefulSet"
	// WorkloadAdvancedStatefulSet is OpenKruise's Advanced StatefulSet,
	// apps.kruise.io/v1beta1 StatefulSet: it can leave chosen ordinals out
	// (ReserveOrdinals) and update pods in place. The OpenKruise controller
	// must run in the cluster.
	WorkloadAdvancedStatefulSet WorkloadKind = "AdvancedStatefulSet"
)

// PodUpdatePolicy is how an Advanced StatefulSet moves a pod to a new
// revision.
type PodUpdatePolicy string

const (
	// PodUpdateReCreate deletes the pod and creates it again (the default,
	// and what a StatefulSet does).
	PodUpdateReCreate PodUpdatePolicy = "ReCreate"
	// PodUpdateInPlaceIfPossible restarts only the changed containers of
	// the pod when only images (or pod labels and annotations) change, and
	// re-creates the pod otherwise.
	PodUpdateInPlaceIfPossible PodUpdatePolicy = "InPlaceIfPossible"
	// PodUpdateInPlaceOnly updates in place, and OpenKruise refuses any
	// change of the pod template other than images, labels and annotations.
	PodUpdateInPlaceOnly PodUpdatePolicy = "InPlaceOnly"
)

// Workload chooses the controller of the pods and its options. The zero
// value is a StatefulSet.
type Workload struct {
	// Kind is StatefulSet (default) or AdvancedStatefulSet. Choose it when
	// the cluster is created: changing it on a live cluster creates the new
	// workload object beside the old one, whose pods hold the names, so the
	// `up` cannot finish; move to a cluster of another name instead.
	Kind WorkloadKind
	// ReserveOrdinals (AdvancedStatefulSet only) are ordinals that get no
	// pod: the pods are the first Replicas ordinals from OrdinalStart that
	// are not reserved. Reserving the ordinal of a running pod deletes that
	// pod and creates one at the next free ordinal; its claims are kept, and
	// the pod comes back on them when the ordinal is freed again. The pods'
	// DNS names, the peer list and the claims the component grows follow.
	ReserveOrdinals []int32
	// PodUpdatePolicy (AdvancedStatefulSet only) is ReCreate (default),
	// InPlaceIfPossible or InPlaceOnly.
	PodUpdatePolicy PodUpdatePolicy
	// ScaleMaxUnavailable (AdvancedStatefulSet with Parallel pod
	// management only) bounds how many pods a scale-up may create before
	// the earlier ones are Ready.
	ScaleMaxUnavailable *intstr.IntOrString
}

// Advanced reports whether the pods run on an Advanced StatefulSet.
func (w Workload) Advanced() bool { return w.Kind == WorkloadAdvancedStatefulSet }

// PodOrdinals are the ordinals of the cluster's pods, in order: the first
// Replicas ordinals from OrdinalStart that are not reserved.
func (s *Spec) PodOrdinals() []int32 {
	return naming.OrdinalsExcept(s.OrdinalStart, s.Replicas, s.Workload.ReserveOrdinals)
}

// OrdinalSpan is the number of ordinals from OrdinalStart that hold a pod
// or are reserved: Replicas plus the reserved ordinals (each lies in the
// span, see network.ValidateReserveOrdinals). The claims of the cluster's
// pods and of its reserved ordinals have ordinals in it.
func (s *Spec) OrdinalSpan() int32 {
	return s.Replicas + int32(len(s.Workload.ReserveOrdinals))
}

// workloadDefaults fills in the Workload's defaults.
func workloadDefaults(w *Workload) {
	if w.Kind == "" {
		w.Kind = WorkloadStatefulSet
	}
	if w.Advanced() && w.PodUpdatePolicy == "" {
		w.PodUpdatePolicy = PodUpdateReCreate
	}
}

// workloadKind checks spec.workload and what it needs of the rest of the spec.
func (v *validator) workloadKind(root *validation.Path) {
	s := &v.spec
	w := s.Workload
	p := root.Child("workload")
	switch w.Kind {
	case WorkloadStatefulSet:
		only := "applies to kind AdvancedStatefulSet only; remove it or set spec.workload.kind to AdvancedStatefulSet"
		if len(w.ReserveOrdinals) > 0 {
			v.Forbidden(p.Child("reserveOrdinals"), "reserveOrdinals "+only)
		}
		if w.PodUpdatePolicy != "" {
			v.Forbidden(p.Child("podUpdatePolicy"), "podUpdatePolicy "+only)
		}
		if w.ScaleMaxUnavailable != nil {
			v.Forbidden(p.Child("scaleMaxUnavailable"), "scaleMaxUnavailable "+only)
		}
		return
	case WorkloadAdvancedStatefulSet:
	default:
		validation.NotSupported(v.List, p.Child("kind"), w.Kind, WorkloadStatefulSet, WorkloadAdvancedStatefulSet)
		return
	}
	network.ValidateReserveOrdinals(v.List, p.Child("reserveOrdinals"), s.Replicas, s.OrdinalStart, w.ReserveOrdinals)
	v.advanced(root)
	switch w.PodUpdatePolicy {
	case PodUpdateReCreate:
	case PodUpdateInPlaceIfPossible, PodUpdateInPlaceOnly:
		if s.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
			v.Forbidden(p.Child("podUpdatePolicy"), fmt.Sprintf("%s updates pods during a rolling update, and spec.updateStrategy.type is OnDelete; use ReCreate or type RollingUpdate", w.PodUpdatePolicy))
		}
	default:
		validation.NotSupported(v.List, p.Child("podUpdatePolicy"), w.PodUpdatePolicy, PodUpdateReCreate, PodUpdateInPlaceIfPossible, PodUpdateInPlaceOnly)
	}
	parallel := s.PodManagementPolicy == appsv1.ParallelPodManagement
	if mu := s.UpdateStrategy.MaxUnavailable; mu != nil && !parallel && (mu.Type != intstr.Int || mu.IntVal != 1) {
		v.Invalid(root.Child("updateStrategy").Child("maxUnavailable"), mu.String(), "an Advanced StatefulSet updates more than one pod at a time only with podManagementPolicy Parallel; set spec.podManagementPolicy to Parallel or maxUnavailable to 1")
	}
	if mu := w.ScaleMaxUnavailable; mu != nil {
		if !parallel {
			v.Forbidden(p.Child("scaleMaxUnavailable"), "applies to podManagementPolicy Parallel only; set spec.podManagementPolicy to Parallel or remove it")
		} else {
			v.intOrPercent(p.Child("scaleMaxUnavailable"), *mu, 1, s.Replicas)
		}
	}
	if s.Membership != nil && len(w.ReserveOrdinals) > 0 {
		v.Forbidden(p.Child("reserveOrdinals"), "the membership Job counts the members as the contiguous ordinals from ordinalStart, so it would remove or add the wrong ones; remove spec.membership (and manage members yourself) or the reserved ordinals")
	}
	if s.Init != nil {
		v.initAvoidsReserved(root.Child("init"), *s.Init)
	}
}

// initAvoidsReserved refuses an init Job whose command, arguments or env
// name a reserved pod by its DNS name: that pod never exists.
func (v *validator) initAvoidsReserved(p *validation.Path, in InitJob) {
	s := &v.spec
	first := s.PodOrdinals()
	for _, o := range s.Workload.ReserveOrdinals {
		host := naming.PodName(v.name, o) + "." + s.Network.ServiceName
		mentions := func(text string) bool {
			// "db-1.db" must not match inside "xdb-1.db" or "db-1.dbx".
			for from := 0; ; {
				i := strings.Index(text[from:], host)
				if i < 0 {
					return false
				}
				start, end := from+i, from+i+len(host)
				if (start == 0 || !isNameByte(text[start-1])) && (end == len(text) || text[end] == '.' || !isNameByte(text[end])) {
					return true
				}
				from = start + 1
			}
		}
		fix := "an init Job must not target a reserved ordinal; use a pod that exists"
		if len(first) > 0 {
			fix += ", e.g. " + naming.PodName(v.name, first[0]) + "." + s.Network.ServiceName
		}
		for i, a := range in.Command {
			if mentions(a) {
				v.Invalid(p.Child("command").Index(i), a, fix)
			}
		}
		for i, a := range in.Args {
			if mentions(a) {
				v.Invalid(p.Child("args").Index(i), a, fix)
			}
		}
		for i, e := range in.Env {
			if mentions(e.Value) {
				v.Invalid(p.Child("env").Index(i).Child("value"), e.Value, fix)
			}
		}
	}
}

func isNameByte(b byte) bool {
	return b == '-' || b == '.' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z')
}
