package cluster

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/naming"
)

// The claims of the pods, as objects.
//
// The StatefulSet controller makes one claim per volumeClaimTemplate and
// pod, "<template>-<statefulset>-<ordinal>", from the template and the
// selector labels, and never changes it again: a larger size in the
// template reaches no existing claim. ClaimObjects plans those same claims,
// so that the cluster can declare them itself (components: one
// PersistentVolumeClaimPatch per claim, applied before the StatefulSet):
//
//   - On a new cluster the claims exist before the controller looks for
//     them, and it uses them as the ones it would have made (it finds a
//     claim by name and never checks who made it).
//   - On a running cluster they are the claims the controller made, with the
//     same spec, so applying them changes nothing until the spec does.
//   - A larger size grows every claim in place, before the StatefulSet is
//     re-created with the larger template; what may not change is refused
//     first (ClaimChanges, ClaimSizeChange).
//
// Claims of ordinals beyond the replicas (left by a scale-down) and of
// reserved ordinals (an Advanced StatefulSet) are not planned: they keep
// what they have until a pod uses them again.

// ClaimObjects are the claims of every pod of the cluster resolved with d,
// in template order, then ordinal order: name, labels, annotations and spec
// exactly as the StatefulSet controller would make them from the resolved
// templates. The namespace is left to the caller (it may come from another
// resource).
func (p *Plan) ClaimObjects(d Deployed) []corev1.PersistentVolumeClaim {
	templates := p.ResolveClaimTemplates(d)
	ordinals := p.Spec.PodOrdinals()
	out := make([]corev1.PersistentVolumeClaim, 0, len(templates)*len(ordinals))
	for _, t := range templates {
		for _, o := range ordinals {
			c := *t.DeepCopy()
			c.Name = naming.ClaimName(t.Name, p.StatefulSet.Name, o)
			out = append(out, c)
		}
	}
	return out
}

// ClaimTemplateOf is the claim template whose claims are named like claim
// ("<template>-<statefulset>-<ordinal>") in the cluster's StatefulSet; ok
// is false for a name no template of the plan makes.
func (p *Plan) ClaimTemplateOf(claim string) (template string, ok bool) {
	var names []string
	for _, t := range p.StatefulSet.Spec.VolumeClaimTemplates {
		names = append(names, t.Name)
	}
	// Longest name first: "data-x-db-0" is of "data-x", not of "data".
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, name := range names {
		ordinal, found := strings.CutPrefix(claim, name+"-"+p.StatefulSet.Name+"-")
		if _, err := strconv.ParseUint(ordinal, 10, 31); found && err == nil {
			return name, true
		}
	}
	return "", false
}

// FixedSizeClasses are the storage classes of the plan whose volumes cannot
// grow: the local-volume pool's (its volumes are disks or directories of a
// fixed size on the nodes). ClaimChanges refuses a larger size for claims
// on them.
func (p *Plan) FixedSizeClasses() []string {
	if pool := p.Options.Pool; pool != nil && pool.Spec.StorageClassName != "" {
		return []string{pool.Spec.StorageClassName}
	}
	return nil
}
