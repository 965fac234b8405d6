package localpv_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// TestAPILimits: sizes that are not whole bytes and annotations over the
// API server's limit are refused at the field to fix.
func TestAPILimits(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *localpv.Spec)
		want []problem
	}{
		{"capacity in millibytes", func(s *localpv.Spec) { s.Capacity = "1m" },
			[]problem{{"spec.capacity", `must be a whole number of bytes ("m" means milli, not mega); use a size such as "1Gi"`}}},
		{"annotations over 256 KiB", func(s *localpv.Spec) {
			s.Annotations = map[string]string{"example.com/blob": strings.Repeat("x", 256<<10)}
		}, []problem{{"spec.annotations", "the annotations of the StorageClass and every PersistentVolume (keys and values) must total at most"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := threeNodes()
			tt.edit(&s)
			plan, err := localpv.New("pool", s)
			assert.Nil(t, plan)
			validationtest.Assert(t, err, localpv.Kind, tt.want)
		})
	}
}
