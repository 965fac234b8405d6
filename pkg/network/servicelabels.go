package network

import (
	"maps"
	"slices"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// ValidateServiceLabels checks the labels of one Service alone
// (spec.serviceLabels, spec.client.labels): valid keys and values, and
// none of the selector's keys. The Services carry their selector as labels,
// so that their metadata never contradicts the pods they select; a
// DatabaseCluster checks its Services' labels with it too.
func ValidateServiceLabels(l *validation.List, p *validation.Path, m, selector map[string]string) {
	l.Labels(p, m)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if _, ok := selector[k]; ok {
			l.Forbidden(p.Key(k), "this label is in the Services' selector, which sets it; remove it or use another key")
		}
	}
}

// serviceLabels are the labels of one Service: objLabels (those of every
// Service), its own over them, and the selector over both, also in a plan
// whose spec was not checked.
func serviceLabels(objLabels, own, selector map[string]string) map[string]string {
	if len(own) == 0 {
		return objLabels
	}
	out := maps.Clone(objLabels)
	maps.Copy(out, own)
	maps.Copy(out, selector)
	return out
}
