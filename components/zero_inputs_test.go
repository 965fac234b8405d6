package components

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Inputs the SDK cannot use (zero-value outputs, a LocalVolumePool not made
// by NewLocalVolumePool, secret values that are not UTF-8) are refused
// with the field and the fix before anything is registered, instead of a
// panic or a SIGSEGV in an SDK goroutine, or a marshalling error after
// other resources were registered.
func TestUnusableInputs(t *testing.T) {
	tests := []struct {
		name      string
		program   func(ctx *pulumi.Context) error
		wantField string
		wantText  string
	}{
		{"zero pool", withDB(func(a *DatabaseClusterArgs) { a.Pool = &LocalVolumePool{} }),
			"pool", "use the *LocalVolumePool that NewLocalVolumePool returned"},
		{"zero image", withDB(func(a *DatabaseClusterArgs) { a.Image = pulumi.StringOutput{} }),
			"image", "is a zero-value output"},
		{"zero images value", withDB(func(a *DatabaseClusterArgs) {
			a.Image = nil
			a.Images = map[string]pulumi.StringInput{"db": pulumi.StringOutput{}}
		}), "images[db]", "is a zero-value output"},
		{"zero storage class", withDB(func(a *DatabaseClusterArgs) { a.StorageClassName = pulumi.StringOutput{} }),
			"storageClassName", "is a zero-value output"},
		{"zero namespace", withDB(func(a *DatabaseClusterArgs) { a.Namespace = pulumi.StringOutput{} }),
			"namespace", "is a zero-value output"},
		{"zero secret value", withDB(func(a *DatabaseClusterArgs) { a.SecretData["password"] = pulumi.StringOutput{} }),
			"secretData[password]", "is a zero-value output"},
		{"secret value not UTF-8", withDB(func(a *DatabaseClusterArgs) { a.SecretData["password"] = pulumi.String("pw\xff\xfe") }),
			"secretData[password]", "must be UTF-8 text"},
		{"network: zero namespace", func(ctx *pulumi.Context) error {
			_, err := NewHeadlessNetwork(ctx, "db", &HeadlessNetworkArgs{Namespace: pulumi.StringOutput{}, Spec: network.Spec{Replicas: 3, Ports: kvPorts()}})
			return err
		}, "namespace", "is a zero-value output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := ordinaltest.RunErr(tt.program)
			require.Error(t, err)
			var verr *validation.Error
			require.True(t, errors.As(err, &verr), "want *validation.Error, got %T: %v", err, err)
			assert.Equal(t, []string{tt.wantField}, verr.Fields())
			assert.Contains(t, err.Error(), tt.wantField+": ")
			assert.Contains(t, err.Error(), tt.wantText)
			assert.Zero(t, rec.Count(), "registered: %v", rec.Keys())
		})
	}
}

func TestZeroOutput(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want bool
	}{
		{"nil", nil, false},
		{"plain string", pulumi.String("x"), false},
		{"zero StringOutput", pulumi.StringOutput{}, true},
		{"zero AnyOutput", pulumi.AnyOutput{}, true},
		{"zero StringPtrOutput", pulumi.StringPtrOutput{}, true},
		{"pointer to zero output", &pulumi.StringOutput{}, true},
		{"nil pointer", (*pulumi.StringOutput)(nil), false},
		{"known output", pulumi.String("x").ToStringOutput(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, zeroOutput(tt.in))
		})
	}
}
