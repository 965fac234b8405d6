package exampleconfig_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
)

// withConfig runs fn against a stack config holding values.
func withConfig(t *testing.T, values map[string]string, fn func(ctx *pulumi.Context, cfg *config.Config) error) *ordinaltest.Recorder {
	t.Helper()
	return ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		return fn(ctx, config.New(ctx, ""))
	}, ordinaltest.WithConfig(values))
}

func TestList(t *testing.T) {
	tests := []struct {
		value string
		want  []string
	}{
		{"", []string{"node-0", "node-1", "node-2"}},
		{" , ,", []string{"node-0", "node-1", "node-2"}},
		{"a", []string{"a"}},
		{"a, b ,,c", []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			withConfig(t, map[string]string{"nodes": tc.value}, func(_ *pulumi.Context, cfg *config.Config) error {
				got := exampleconfig.List(cfg, "nodes", exampleconfig.DefaultNodes)
				assert.Equal(t, tc.want, got)
				return nil
			})
		})
	}
}

func TestStringAndInt32(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		wantStr string
		wantInt int32
		wantErr bool
	}{
		{"unset", "", "dflt", 7, false},
		{"blank", "  ", "dflt", 7, false},
		{"number", "5", "5", 5, false},
		{"zero", "0", "0", 0, false},
		{"negative", "-1", "-1", -1, false},
		{"word", "five", "five", 0, true},
		{"too large", "99999999999", "99999999999", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			withConfig(t, map[string]string{"k": tc.value}, func(_ *pulumi.Context, cfg *config.Config) error {
				assert.Equal(t, tc.wantStr, exampleconfig.String(cfg, "k", "dflt"))
				n, err := exampleconfig.Int32(cfg, "k", 7)
				if tc.wantErr {
					require.Error(t, err)
					assert.Contains(t, err.Error(), `config "k"`)
				} else {
					require.NoError(t, err)
					assert.Equal(t, tc.wantInt, n)
				}
				return nil
			})
		})
	}
}
