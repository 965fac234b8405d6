package validation_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

func TestAnnotationsSize(t *testing.T) {
	limit := apivalidation.TotalAnnotationSizeLimitB - validation.AnnotationReserve
	big := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name string
		sets []map[string]string
		ok   bool
	}{
		{"none", nil, true},
		{"small", []map[string]string{{"a": "b"}}, true},
		{"exactly the limit", []map[string]string{{"a": big(limit - 1)}}, true},
		{"one byte over", []map[string]string{{"a": big(limit)}}, false},
		{"over the API limit", []map[string]string{{"a": big(apivalidation.TotalAnnotationSizeLimitB + 1)}}, false},
		{"two sets over together", []map[string]string{{"a": big(limit / 2)}, {"b": big(limit / 2)}}, false},
		{"a shared key counts once", []map[string]string{{"a": big(limit - 1)}, {"a": big(limit - 1)}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ok bool
			got := problems(func(l *validation.List) {
				ok = l.AnnotationsSize(spec.Child("annotations"), "every object", tt.sets...)
			})
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Empty(t, got)
				return
			}
			assert.Len(t, got, 1)
			assert.True(t, strings.HasPrefix(got[0], "spec.annotations: the annotations of every object (keys and values) must total at most"), got[0])
			assert.Contains(t, got[0], "move large values into spec.config.data or a ConfigMap")
		})
	}
}
