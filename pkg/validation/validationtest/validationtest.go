// Package validationtest holds the assertion the planners' tests share:
// that an error is a *validation.Error listing exactly the expected
// problems, in order.
package validationtest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Problem is what a test expects of one problem: its field path, and words
// of its message that say what is wrong and how to fix it. A test declares
// a type of its own with the same fields, so that its tables can list
// problems as {"spec.replicas", "must be >= 1"}:
//
//	type problem struct{ Field, Contains string }
type Problem = struct{ Field, Contains string }

// Assert checks that err is a *validation.Error of the component kind with
// exactly the wanted problems, in order.
func Assert[P ~Problem](t testing.TB, err error, kind string, want []P) {
	t.Helper()
	var verr *validation.Error
	require.True(t, errors.As(err, &verr), "want a *validation.Error, got %v", err)
	assert.Equal(t, kind, verr.Component)
	fields := make([]string, len(want))
	for i, w := range want {
		fields[i] = Problem(w).Field
	}
	require.Equal(t, fields, verr.Fields(), err.Error())
	for i, w := range want {
		assert.Contains(t, validation.Describe(verr.Problems[i]), Problem(w).Contains)
	}
}
