package ordinaltest

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// AwaitTimeout bounds how long Await, AwaitSecret and Resolve wait for an
// output; an output that never resolves (for example because the program
// failed before resolving it) is an error instead of a hung test.
var AwaitTimeout = 10 * time.Second

// Resolved is the state of an output once it resolved.
type Resolved[T any] struct {
	// Value is the zero value when the output is unknown.
	Value T
	// Known is false for values unknown during a preview.
	Known bool
	// Secret is true when the value is a Pulumi secret.
	Secret bool
}

// Resolve waits for out and returns its value as T, e.g. string for a
// pulumi.StringOutput, []string for a pulumi.StringArrayOutput, *string for
// a pulumi.StringPtrOutput.
func Resolve[T any](out pulumi.Output) (Resolved[T], error) {
	var res Resolved[T]
	if out == nil {
		return res, fmt.Errorf("ordinaltest: nil output")
	}
	ctx, cancel := context.WithTimeout(context.Background(), AwaitTimeout)
	defer cancel()
	r, err := internals.UnsafeAwaitOutput(ctx, out)
	if err != nil {
		return res, fmt.Errorf("ordinaltest: awaiting %s: %w", out.ElementType(), err)
	}
	res.Known, res.Secret = r.Known, r.Secret
	if !r.Known || r.Value == nil {
		return res, nil
	}
	v, ok := r.Value.(T)
	if !ok {
		return res, fmt.Errorf("ordinaltest: output holds %T, not %T", r.Value, res.Value)
	}
	res.Value = v
	return res, nil
}

// Await waits for out and returns its value as T. It fails the test when
// the output fails, is unknown, or holds another type.
func Await[T any](t TB, out pulumi.Output) T {
	t.Helper()
	v, _ := AwaitSecret[T](t, out)
	return v
}

// AwaitSecret is Await that also reports whether the value is a secret.
func AwaitSecret[T any](t TB, out pulumi.Output) (value T, secret bool) {
	t.Helper()
	r, err := Resolve[T](out)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if !r.Known {
		t.Fatalf("ordinaltest: output of %s is unknown", out.ElementType())
	}
	return r.Value, r.Secret
}
