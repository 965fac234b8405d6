package validation

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
)

// AnnotationReserve is the room, in bytes, kept for the annotations
// ordinal itself adds to an object (Pulumi's await and apply annotations,
// the config checksum), well above what they take.
const AnnotationReserve = 1024

// AnnotationsSize checks that the annotations an object carries, the union
// of sets (a later set wins a key), fit the API server's limit of 256 KiB
// per object together with AnnotationReserve. what names the objects in
// the message; the problem is recorded at p. It reports whether they fit.
func (l *List) AnnotationsSize(p *Path, what string, sets ...map[string]string) bool {
	limit := apivalidation.TotalAnnotationSizeLimitB - AnnotationReserve
	naive := 0
	for _, m := range sets {
		for k, v := range m {
			naive += len(k) + len(v)
		}
	}
	if naive <= limit {
		return true // counting shared keys twice, they still fit
	}
	merged := map[string]string{}
	for _, m := range sets {
		for k, v := range m {
			merged[k] = v
		}
	}
	size := 0
	for k, v := range merged {
		size += len(k) + len(v)
	}
	if size <= limit && apivalidation.ValidateAnnotationsSize(merged) == nil {
		return true
	}
	l.Invalid(p, fmt.Sprintf("%d bytes", size), fmt.Sprintf(
		"the annotations of %s (keys and values) must total at most %d bytes: the API server allows 256 KiB per object and ordinal keeps %d bytes for its own; move large values into spec.config.data or a ConfigMap",
		what, limit, AnnotationReserve))
	return false
}
