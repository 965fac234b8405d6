package validation_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

func TestImage(t *testing.T) {
	hex64 := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		image string
		// fix is a fragment of the advice; "" means the image is valid.
		fix string
	}{
		{"", ""}, // the caller decides whether an image is required
		{"zookeeper:3.8", ""},
		{"postgres", ""},
		{"localhost/zookeeper:1", ""},
		{"localhost:5000/team/db:v1.2.3", ""},
		{"quay.io/coreos/etcd:v3.6.16", ""},
		{"REGISTRY.example.com/db:1", ""}, // host names are case-insensitive
		{"postgres@sha256:" + hex64, ""},
		{"postgres:17@sha256:" + hex64, ""},
		{"zookeeper :3.8", "remove the blanks"},
		{" postgres:17", "remove the blanks"},
		{"postgres:17\n", "remove the blanks"},
		{"Zookeeper:3.8", "lower case"},
		{"team/MyDB:1", "lower case"},
		{"postgres:", "give the tag after ':'"},
		{"localhost:5000/db:", "give the tag after ':'"},
		{"postgres@", "give the digest after '@'"},
		{"postgres@sha256:abc123", "64 hex digits"},
		{"postgres@sha256:" + hex64[:40], "64 hex digits"},
		{"postgres@sha256:" + strings.ToUpper(hex64), "64 hex digits"},
		{"postgres:" + strings.Repeat("a", 129), "at most 128 characters"},
		{"team/" + strings.Repeat("a", 251), "at most 255 characters"},
		{"team//db", "fix the reference"},
		{"-db:1", "fix the reference"},
		{hex64, "fix the reference"},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			l := validation.New("DatabaseCluster", "db")
			ok := l.Image(validation.NewPath("spec").Child("containers").Index(0).Child("image"), tt.image)
			if tt.fix == "" {
				assert.True(t, ok)
				assert.NoError(t, l.Err())
				return
			}
			assert.False(t, ok)
			var verr *validation.Error
			require.ErrorAs(t, l.Err(), &verr)
			require.Len(t, verr.Problems, 1)
			msg := validation.Describe(verr.Problems[0])
			assert.True(t, strings.HasPrefix(msg, "spec.containers[0].image: must be an image reference"), msg)
			assert.Contains(t, msg, tt.fix)
		})
	}
}
