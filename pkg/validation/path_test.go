package validation_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name string
		got  *validation.Path
		want *field.Path
	}{
		{"root", validation.NewPath("spec"), field.NewPath("spec")},
		{"child", validation.NewPath("spec").Child("replicas"), field.NewPath("spec").Child("replicas")},
		{"index", validation.NewPath("spec").Child("containers").Index(0).Child("name"), field.NewPath("spec").Child("containers").Index(0).Child("name")},
		{"large and negative indices", validation.NewPath("a").Index(1234567).Index(-8).Index(math.MinInt), field.NewPath("a").Index(1234567).Index(-8).Index(math.MinInt)},
		{"key", validation.NewPath("spec").Child("labels").Key("app.kubernetes.io/name"), field.NewPath("spec").Child("labels").Key("app.kubernetes.io/name")},
		{"odd keys", validation.NewPath("data").Key("").Key("a.b[0]").Key("ü\xff"), field.NewPath("data").Key("").Key("a.b[0]").Key("ü\xff")},
		{"index of a root", validation.NewPath("x").Index(2).Child("y"), field.NewPath("x").Index(2).Child("y")},
		{"empty names render as subscripts", validation.NewPath("").Child("").Child("a"), field.NewPath("").Child("").Child("a")},
		{"longer than the stack buffer", validation.NewPath("spec").Child("config").Child("sources").Index(12).Child("downwardAPI").Child("items").Index(345).Key(strings.Repeat("k", 80)), field.NewPath("spec").Child("config").Child("sources").Index(12).Child("downwardAPI").Child("items").Index(345).Key(strings.Repeat("k", 80))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want.String(), tt.got.String())
			assert.Equal(t, tt.want.String(), tt.got.Field().String())
		})
	}
}

func TestPathAppendTo(t *testing.T) {
	p := validation.NewPath("spec").Child("config").Child("data").Key("a.conf")
	assert.Equal(t, "x=spec.config.data[a.conf]", string(p.AppendTo([]byte("x="))))
	assert.Equal(t, "spec.config.data[a.conf]", string(p.AppendTo(nil)))
	buf := make([]byte, 0, 64)
	assert.Equal(t, "spec.config.data[a.conf]spec.config.data[a.conf]", string(p.AppendTo(p.AppendTo(buf))))
	assert.Equal(t, "a:<nil>", string((*validation.Path)(nil).AppendTo([]byte("a:"))))
}

// A Path passed down to checks that find nothing wrong costs nothing:
// it stays on the stack.
func TestPathOfValidValuesDoesNotAllocate(t *testing.T) {
	l := validation.New("DatabaseCluster", "db")
	allocs := testing.AllocsPerRun(100, func() {
		spec := validation.NewPath("spec")
		for i := range 3 {
			c := spec.Child("containers").Index(i)
			l.DNSLabel(c.Child("name"), "db")
			l.DNSSubdomain(c.Child("serviceAccountName"), "db.example.com")
			l.Labels(c.Child("labels"), map[string]string{"app": "db"})
		}
	})
	assert.Zero(t, allocs)
	assert.Zero(t, l.Len())
}

// A List records each problem at the *field.Path its Path stands for.
func TestListRecordsAtFieldPaths(t *testing.T) {
	l := validation.New("K", "n")
	p := validation.NewPath("spec").Child("containers").Index(1)
	l.Invalid(p.Child("image"), "x", "must be y")
	l.Required(p.Child("name"), "name it")
	l.Forbidden(p.Child("ports"), "remove them")
	l.Duplicate(p.Child("env").Index(0), "A", "already set")
	fp := field.NewPath("spec").Child("containers").Index(1)
	dup := field.Duplicate(fp.Child("env").Index(0), "A")
	dup.Detail = "already set"
	want := field.ErrorList{
		field.Invalid(fp.Child("image"), "x", "must be y"),
		field.Required(fp.Child("name"), "name it"),
		field.Forbidden(fp.Child("ports"), "remove them"),
		dup,
	}
	var verr *validation.Error
	require.ErrorAs(t, l.Err(), &verr)
	assert.Equal(t, want, verr.Problems)
}
