package validation_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

var spec = validation.NewPath("spec")

func TestErrNilWhenEmpty(t *testing.T) {
	l := validation.New("DatabaseCluster", "db")
	assert.Equal(t, 0, l.Len())
	assert.NoError(t, l.Err())
}

func TestErrorSingleProblem(t *testing.T) {
	l := validation.New("DatabaseCluster", "db")
	l.Invalid(spec.Child("replicas"), int32(0), "must be >= 1")
	err := l.Err()
	require.Error(t, err)
	assert.Equal(t, `DatabaseCluster "db": spec.replicas: must be >= 1, got 0`, err.Error())

	var verr *validation.Error
	require.True(t, errors.As(fmt.Errorf("plan: %w", err), &verr), "callers unwrap the typed error")
	assert.Equal(t, "DatabaseCluster", verr.Component)
	assert.Equal(t, "db", verr.Name)
	assert.Equal(t, []string{"spec.replicas"}, verr.Fields())
}

func TestErrorMultipleProblems(t *testing.T) {
	l := validation.New("LocalVolumePool", "pool")
	l.Invalid(spec.Child("replicas"), int32(0), "must be >= 1")
	l.Required(spec.Child("capacity"), "set the size of each disk, e.g. \"100Gi\"")
	l.Forbidden(spec.Child("fsType"), "a Block volume has no filesystem; remove fsType")
	require.Equal(t, 3, l.Len())

	err := l.Err()
	require.Error(t, err)
	assert.Equal(t, `LocalVolumePool "pool": 3 invalid arguments:
  - spec.replicas: must be >= 1, got 0
  - spec.capacity: required: set the size of each disk, e.g. "100Gi"
  - spec.fsType: a Block volume has no filesystem; remove fsType`, err.Error())
	var verr *validation.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, []string{"spec.replicas", "spec.capacity", "spec.fsType"}, verr.Fields(), "in the order found")
}

func TestDescribe(t *testing.T) {
	spec := field.NewPath("spec")
	n := int32(3)
	dup := field.Duplicate(spec.Child("ports").Index(1).Child("name"), "sql")
	dupDetail := field.Duplicate(spec.Child("ports").Index(1).Child("name"), "sql")
	dupDetail.Detail = "rename it"
	tests := []struct {
		name string
		err  *field.Error
		want string
	}{
		{"invalid string is quoted", field.Invalid(spec.Child("name"), "Bad", "must be lower-case"), `spec.name: must be lower-case, got "Bad"`},
		{"invalid int", field.Invalid(spec.Child("replicas"), int32(-1), "must be >= 1"), `spec.replicas: must be >= 1, got -1`},
		{"invalid int32 pointer", field.Invalid(spec.Child("limit"), &n, "must be <= 2"), `spec.limit: must be <= 2, got 3`},
		{"invalid nil int32 pointer", field.Invalid(spec.Child("limit"), (*int32)(nil), "must be set"), `spec.limit: must be set, got nil`},
		{"duplicate without detail", dup, `spec.ports[1].name: duplicate value "sql"`},
		{"duplicate with detail", dupDetail, `spec.ports[1].name: duplicate value "sql": rename it`},
		{"required", field.Required(spec.Child("image"), "set the image"), `spec.image: required: set the image`},
		{"forbidden", field.Forbidden(spec.Child("partition"), "only for RollingUpdate"), `spec.partition: only for RollingUpdate`},
		{"key path", field.Invalid(spec.Child("labels").Key("a b"), "a b", "bad key"), `spec.labels[a b]: bad key, got "a b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, validation.Describe(tt.err))
		})
	}
}

func TestDuplicateAndNotSupported(t *testing.T) {
	type mode string
	l := validation.New("K", "n")
	l.Duplicate(spec.Child("volumes").Index(2).Child("name"), "data", "a claim already uses this name")
	validation.NotSupported(l, spec.Child("mode"), mode("Fast"), mode("Retain"), mode("Delete"))
	var verr *validation.Error
	require.ErrorAs(t, l.Err(), &verr)
	require.Len(t, verr.Problems, 2)
	assert.Equal(t, field.ErrorTypeDuplicate, verr.Problems[0].Type)
	assert.Equal(t, `spec.volumes[2].name: duplicate value "data": a claim already uses this name`, validation.Describe(verr.Problems[0]))
	assert.Equal(t, field.ErrorTypeNotSupported, verr.Problems[1].Type)
	assert.Equal(t, `spec.mode: unsupported value "Fast": use one of "Delete", "Retain"`, validation.Describe(verr.Problems[1]), "options sorted")
}

// problems runs check on a fresh list and returns the rendered problems.
func problems(check func(l *validation.List)) []string {
	l := validation.New("K", "n")
	check(l)
	var out []string
	var verr *validation.Error
	if errors.As(l.Err(), &verr) {
		for _, p := range verr.Problems {
			out = append(out, validation.Describe(p))
		}
	}
	return out
}

func TestNames(t *testing.T) {
	label := func(l *validation.List, v string) bool { return l.DNSLabel(spec.Child("name"), v) }
	subdomain := func(l *validation.List, v string) bool { return l.DNSSubdomain(spec.Child("name"), v) }
	tests := []struct {
		check   func(*validation.List, string) bool
		value   string
		ok      bool
		message string
	}{
		{label, "db", true, ""},
		{label, "my-db-0", true, ""},
		{label, "0db", true, ""},
		{label, "", false, `spec.name: required: set a lower-case RFC 1123 name such as "db"`},
		{label, "DB", false, "must be a lower-case RFC 1123 label"},
		{label, "db_1", false, "must be a lower-case RFC 1123 label"},
		{label, "db.x", false, "must be a lower-case RFC 1123 label"},
		{label, "-db", false, "must be a lower-case RFC 1123 label"},
		{label, strings.Repeat("a", 63), true, ""},
		{label, strings.Repeat("a", 64), false, "must be no more than 63 characters"},
		{subdomain, "fast-ssd", true, ""},
		{subdomain, "local.ssd.v1", true, ""},
		{subdomain, "", false, "required: set a lower-case RFC 1123 name"},
		{subdomain, "Fast", false, "must be a lower-case RFC 1123 subdomain"},
		{subdomain, "a..b", false, "must be a lower-case RFC 1123 subdomain"},
		{subdomain, strings.Repeat("a", 254), false, "must be no more than 253 characters"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d:%.20s", i, tt.value), func(t *testing.T) {
			var ok bool
			got := problems(func(l *validation.List) { ok = tt.check(l, tt.value) })
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Contains(t, got[0], tt.message)
			assert.True(t, strings.HasPrefix(got[0], "spec.name: "), got[0])
		})
	}
}

func TestQuantity(t *testing.T) {
	tests := []struct {
		value   string
		want    string
		message string
	}{
		{"10Gi", "10Gi", ""},
		{"500Mi", "500Mi", ""},
		{"1", "1", ""},
		{"", "", `spec.size: required: set a size such as "10Gi"`},
		{"ten", "", `spec.size: must be a Kubernetes quantity such as "10Gi" or "500Mi", got "ten"`},
		{"10GB", "", `spec.size: must be a Kubernetes quantity such as "10Gi" or "500Mi", got "10GB"`},
		{"0", "", `spec.size: must be greater than zero, got "0"`},
		{"-1Gi", "", `spec.size: must be greater than zero, got "-1Gi"`},
		{"1m", "", `spec.size: must be a whole number of bytes ("m" means milli, not mega); use a size such as "1Gi" or "500Mi", got "1m"`},
		{"1500m", "", `spec.size: must be a whole number of bytes ("m" means milli, not mega); use a size such as "1Gi" or "500Mi", got "1500m"`},
		{"0.5", "", `spec.size: must be a whole number of bytes ("m" means milli, not mega); use a size such as "1Gi" or "500Mi", got "0.5"`},
		{"2000m", "2", ""},
		{"1.5Gi", "1.5Gi", ""},
		{"1e3", "1e3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var q resource.Quantity
			var ok bool
			got := problems(func(l *validation.List) { q, ok = l.Quantity(spec.Child("size"), tt.value) })
			if tt.message == "" {
				assert.True(t, ok)
				assert.Empty(t, got)
				assert.Equal(t, 0, q.Cmp(resource.MustParse(tt.want)))
				return
			}
			assert.False(t, ok)
			assert.Equal(t, []string{tt.message}, got)
		})
	}
}

func TestLabelsAndAnnotations(t *testing.T) {
	got := problems(func(l *validation.List) {
		l.Labels(spec.Child("labels"), map[string]string{
			"team":            "data",
			"example.com/env": "prod",
			"bad key!":        "x",
			"tier":            "has space",
		})
		l.Annotations(spec.Child("annotations"), map[string]string{
			"example.com/Note": "any value at all: 100% fine",
			"/nope":            "x",
		})
	})
	require.Len(t, got, 3)
	// Sorted by key, so the message never depends on map order.
	assert.True(t, strings.HasPrefix(got[0], `spec.labels[bad key!]: label key `), got[0])
	assert.True(t, strings.HasPrefix(got[1], `spec.labels[tier]: label value `), got[1])
	assert.True(t, strings.HasPrefix(got[2], `spec.annotations[/nope]: annotation key `), got[2])
}
