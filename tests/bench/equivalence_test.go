package bench

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// registered is one Kubernetes resource a program registered.
type registered struct {
	Type   string
	Inputs any
	// Parent is the parent's URN ("" at the top level).
	Parent string
}

// capture runs program under the echo mocks and returns its Kubernetes
// resources by logical name, with empty lists and maps removed (the
// components send some that a hand-written program leaves out; the
// provider treats both the same) and secrets unwrapped.
func capture(t *testing.T, program pulumi.RunFunc) (map[string]registered, int) {
	t.Helper()
	var mu sync.Mutex
	out := map[string]registered{}
	components := 0
	err := run(program, echoMocks{record: func(a pulumi.MockResourceArgs) {
		mu.Lock()
		defer mu.Unlock()
		if !a.Custom {
			components++
			return
		}
		parent := ""
		if a.RegisterRPC != nil {
			parent = a.RegisterRPC.GetParent()
		}
		out[a.Name] = registered{Type: a.TypeToken, Inputs: prune(a.Inputs.Mappable()), Parent: parent}
	}})
	require.NoError(t, err)
	return out, components
}

// prune drops empty slices and maps, recursively; nil when v is empty.
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			if p := prune(e); p != nil {
				m[k] = p
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	case []any:
		if len(x) == 0 {
			return nil
		}
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = prune(e)
		}
		return s
	default:
		return v
	}
}

// TestBaselineMatchesComponent checks that the hand-written baseline
// registers exactly the Kubernetes objects the components register, so the
// benchmarks compare equal work. When the components change what they
// create, update baseline_test.go to match.
func TestBaselineMatchesComponent(t *testing.T) {
	for _, n := range []int{1, 2} {
		comp, componentCount := capture(t, componentProgram(n))
		base, baseComponents := capture(t, baselineProgram(n))
		assert.Equal(t, 3*n, componentCount, "one LocalVolumePool, DatabaseCluster and HeadlessNetwork per cluster")
		assert.Zero(t, baseComponents)
		t.Logf("n=%d: %d Kubernetes resources, %d components", n, len(comp), componentCount)
		assertSameObjects(t, comp, base)
	}
}

// TestFloorMatchesComponent checks that the floor program registers the
// components' objects under the same tree of component resources.
func TestFloorMatchesComponent(t *testing.T) {
	comp, componentCount := capture(t, componentProgram(2))
	floor, floorComponents := capture(t, floorProgram(2))
	assert.Equal(t, componentCount, floorComponents)
	assertSameObjects(t, comp, floor)
	for name, c := range comp {
		assert.Equal(t, c.Parent, floor[name].Parent, "parent of %s", name)
	}
}

// assertSameObjects checks that other registers the same Kubernetes
// objects as the components, with the same inputs.
func assertSameObjects(t *testing.T, comp, other map[string]registered) {
	t.Helper()
	require.Len(t, other, len(comp))
	for name, c := range comp {
		b, ok := other[name]
		if !assert.Truef(t, ok, "no resource %q (%s)", name, c.Type) {
			continue
		}
		assert.Equal(t, c.Type, b.Type, name)
		want, err := yaml.Marshal(c.Inputs)
		require.NoError(t, err)
		got, err := yaml.Marshal(b.Inputs)
		require.NoError(t, err)
		if diff := lineDiff(string(want), string(got)); len(diff) > 0 {
			assert.Failf(t, "inputs differ", "%s (- component only, + other only):\n%s", name, strings.Join(diff, "\n"))
		} else {
			assert.Truef(t, string(want) == string(got), "inputs of %s: same lines in another order", name)
		}
	}
}

// TestPoolBaselineMatchesComponent checks the pool-only programs register
// the same number of objects of each type.
func TestPoolBaselineMatchesComponent(t *testing.T) {
	comp, _ := capture(t, poolProgram(10))
	base, _ := capture(t, baselinePoolProgram(10))
	count := func(m map[string]registered) map[string]int {
		out := map[string]int{}
		for _, r := range m {
			out[r.Type]++
		}
		return out
	}
	assert.Equal(t, count(comp), count(base))
	assert.Equal(t, 10, count(comp)["kubernetes:core/v1:PersistentVolume"])
}

// lineDiff lists the lines of a missing from b ("- ") and of b missing
// from a ("+ "), counting repeated lines; nil when both have the same lines.
func lineDiff(a, b string) []string {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		count[l]--
	}
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if count[l] > 0 {
			out = append(out, "- "+l)
			count[l]--
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if count[l] < 0 {
			out = append(out, "+ "+l)
			count[l]++
		}
	}
	return out
}
