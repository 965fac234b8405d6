package cockroach_test

import (
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

func engineImage() string { return engines.DefaultCockroachImage }

func pvNames(pvs []ordinaltest.Resource) []string {
	out := make([]string, 0, len(pvs))
	for _, pv := range pvs {
		out = append(out, pv.Name)
	}
	return out
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// normalize turns resolved outputs ([]string, string) into plain values
// ([]any, string) so they compare with expectations written the same way.
func normalize(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if s, ok := v.([]string); ok {
			out[k] = toAny(s)
		} else {
			out[k] = v
		}
	}
	return out
}
