package exampletest

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
)

// Outputs waits for every output of a stack and returns them as plain
// values: strings stay strings, string lists become []any (as in
// ordinaltest.Resource.Get), so expectations read the same for inputs and
// outputs.
func Outputs(t ordinaltest.TB, outputs pulumi.Map) map[string]any {
	t.Helper()
	out := make(map[string]any, len(outputs))
	for k, v := range outputs {
		val := ordinaltest.Await[any](t, pulumi.ToOutput(v))
		if s, ok := val.([]string); ok {
			out[k] = Strings(s...)
		} else {
			out[k] = val
		}
	}
	return out
}

// Strings converts strings to []any.
func Strings(s ...string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Names lists the logical names of resources, in order.
func Names(rs []ordinaltest.Resource) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// Kubernetes type tokens the examples' tests look up (defined in kubetypes).
const (
	StatefulSet  = kubetypes.StatefulSet
	Service      = kubetypes.Service
	PDB          = kubetypes.PodDisruptionBudget
	Job          = kubetypes.Job
	ConfigMap    = kubetypes.ConfigMap
	Secret       = kubetypes.Secret
	PV           = kubetypes.PersistentVolume
	StorageClass = kubetypes.StorageClass
	Provider     = kubetypes.Provider
)
