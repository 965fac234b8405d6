package components

import (
	"maps"
	"reflect"
	"slices"
	"unicode/utf8"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// zeroOutputFix is the fix for a zero-value output argument.
const zeroOutputFix = "is a zero-value output (e.g. pulumi.StringOutput{}), which has no value and would crash the program; pass pulumi.String(\"...\"), a config value or another resource's output"

// zeroOutput reports whether in is the zero value of a Pulumi output type,
// such as pulumi.StringOutput{}: built by a composite literal rather than
// by the SDK, it has no state, and the SDK panics when it reads it.
func zeroOutput(in any) bool {
	v := reflect.ValueOf(in)
	if !v.IsValid() {
		return false
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	f := v.FieldByName("OutputState")
	return f.IsValid() && f.Kind() == reflect.Pointer && f.IsNil()
}

// checkInput records a zero-value output at p.
func checkInput(l *validation.List, p *validation.Path, in any) {
	if zeroOutput(in) {
		l.Invalid(p, "<zero-value output>", zeroOutputFix)
	}
}

// checkDatabaseClusterInputs records the Pulumi inputs of args that cannot
// be used: zero-value outputs, a pool not made by NewLocalVolumePool, and
// secret values known now that are not UTF-8 (only plain pulumi.String
// values can be read without awaiting them; outputs are checked by the
// API server).
func checkDatabaseClusterInputs(l *validation.List, args *DatabaseClusterArgs) {
	checkInput(l, validation.NewPath("namespace"), args.Namespace)
	checkInput(l, validation.NewPath("image"), args.Image)
	for _, k := range slices.Sorted(maps.Keys(args.Images)) {
		checkInput(l, validation.NewPath("images").Key(k), args.Images[k])
	}
	if args.Pool != nil && args.Pool.Plan == nil {
		l.Invalid(validation.NewPath("pool"), "<zero-value LocalVolumePool>", "use the *LocalVolumePool that NewLocalVolumePool returned, not a LocalVolumePool of your own")
	}
	checkInput(l, validation.NewPath("storageClassName"), args.StorageClassName)
	for _, k := range slices.Sorted(maps.Keys(args.SecretData)) {
		p := validation.NewPath("secretData").Key(k)
		switch v := args.SecretData[k].(type) {
		case pulumi.String:
			if !utf8.ValidString(string(v)) {
				l.Invalid(p, "<not UTF-8>", "must be UTF-8 text (a Secret's stringData, and JSON, cannot carry other bytes); base64-encode binary content and decode it in the container")
			}
		default:
			checkInput(l, p, v)
		}
	}
}
