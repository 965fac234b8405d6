package bridge

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	networkingv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	k8sresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
	"sigs.k8s.io/yaml"
)

// JSONConvert is the reference conversion: a JSON round trip into the SDK's
// plain type, without the divisor "0" JSON writes for an unset downward-API
// divisor (the one deliberate difference, see omitted). What the engine
// receives for its result, registered as an already-resolved output, is
// what Tree must give.
func JSONConvert[T any](in any) (T, error) {
	var out T
	b, err := json.Marshal(in)
	if err != nil {
		return out, fmt.Errorf("bridge: marshal %T: %w", in, err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return out, err
	}
	dropZeroDivisors(generic)
	if b, err = json.Marshal(generic); err != nil {
		return out, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("bridge: unmarshal %T into %T: %w", in, out, err)
	}
	return out, nil
}

// filler fills k8s.io/api values with random content, nil pointers, empty
// and nil slices and maps included. Values with their own JSON form get
// valid random values (a random Quantity struct would not marshal).
func filler(seed int64) *randfill.Filler {
	quantities := []string{"0", "1", "500m", "1Gi", "10Gi", "1.5", "100Mi", "2e3", "12345678901234567890"}
	return randfill.NewWithSeed(seed).NilChance(0.3).NumElements(0, 3).MaxDepth(12).Funcs(
		func(q *k8sresource.Quantity, c randfill.Continue) {
			*q = k8sresource.MustParse(quantities[c.Intn(len(quantities))])
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Intn(2) == 0 {
				*v = intstr.FromInt32(c.Int31())
			} else {
				*v = intstr.FromString(c.String(8))
			}
		},
		func(t *metav1.Time, c randfill.Continue) {
			if c.Intn(3) > 0 {
				*t = metav1.NewTime(time.Unix(c.Int63n(1<<32), 0).UTC())
			}
		},
		func(t *metav1.MicroTime, c randfill.Continue) {
			*t = metav1.NewMicroTime(time.Unix(c.Int63n(1<<32), 0).UTC())
		},
		func(f *metav1.FieldsV1, c randfill.Continue) {
			f.Raw = []byte(`{"f:metadata":{}}`)
		},
		func(r *runtime.RawExtension, c randfill.Continue) {
			if c.Intn(2) == 0 {
				r.Raw = []byte(fmt.Sprintf(`{"n":%d}`, c.Intn(100)))
			}
		},
	)
}

// recorder is a mock engine that keeps the property "v" of every resource
// registered, by resource name.
type recorder struct {
	mu   sync.Mutex
	sent map[string]resource.PropertyValue
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[args.Name] = args.Inputs["v"]
	return args.Name, args.Inputs, nil
}

func (*recorder) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) { return nil, nil }

// sent registers each input as the property "v" of a resource, in a Pulumi
// program under mocks, and returns what the engine received for each one.
func sent(t *testing.T, inputs []pulumi.Input) []resource.PropertyValue {
	t.Helper()
	rec := &recorder{sent: map[string]resource.PropertyValue{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for i, in := range inputs {
			var res pulumi.CustomResourceState
			if err := ctx.RegisterResource("test:index:Value", fmt.Sprint(i), pulumi.Map{"v": in}, &res); err != nil {
				return err
			}
		}
		return nil
	}, pulumi.WithMocks("bridge", "test", rec))
	require.NoError(t, err)
	out := make([]resource.PropertyValue, len(inputs))
	for i := range out {
		out[i] = rec.sent[fmt.Sprint(i)]
	}
	return out
}

// differential checks, for n random values of K, that the engine receives
// the same properties for their tree as for the JSON round trip's result
// in S registered the way the components used to register it: as an
// already-resolved output (Tree), or through pulumi.ToOutput (AwaitedTree).
func differential[K, S any](t *testing.T, n int, awaited bool) {
	t.Helper()
	var refs, trees []pulumi.Input
	for i := range n {
		var in K
		// Every third value has no nil pointers at all, so every member
		// of every type is converted; the others mix in nils and empties.
		filler(int64(i)).NilChance(float64(i%3) * 0.3).Fill(&in)
		ref, err := JSONConvert[S](in)
		require.NoError(t, err)
		convert := Tree[S]
		refs = append(refs, pulumix.Val(ref))
		if awaited {
			convert = AwaitedTree[S]
			refs[i] = pulumi.ToOutput(ref)
		}
		tree, err := convert(in)
		require.NoError(t, err, "seed %d", i)
		trees = append(trees, Input(tree))
	}
	want, got := sent(t, refs), sent(t, trees)
	null := 0
	for i := range want {
		if want[i].IsNull() {
			null++ // a nil list, sent as null
		}
		if !reflect.DeepEqual(want[i], got[i]) {
			t.Fatalf("seed %d: the tree sends something else (- reference, + tree):\n%s", i, diffLines(t, want[i], got[i]))
		}
	}
	require.Less(t, null, n/2, "most values must send something")
}

// diffLines shows the lines of the YAML forms of two property values that
// differ, with a little context.
func diffLines(t *testing.T, want, got resource.PropertyValue) string {
	t.Helper()
	lines := func(v resource.PropertyValue) []string {
		b, err := yaml.Marshal(v.Mappable())
		require.NoError(t, err)
		return strings.Split(string(b), "\n")
	}
	w, g := lines(want), lines(got)
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 40; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			out = append(out, fmt.Sprintf("%5d - %s", i+1, wl), fmt.Sprintf("%5d + %s", i+1, gl))
		}
	}
	return strings.Join(out, "\n")
}

// specTypes are the k8s.io/api types the components convert, each with the
// SDK type it becomes.
var specTypes = []struct {
	name string
	run  func(t *testing.T, n int, awaited bool)
}{
	{"StatefulSetSpec", differential[appsv1.StatefulSetSpec, appsv1sdk.StatefulSetSpec]},
	{"JobSpec", differential[batchv1.JobSpec, batchv1sdk.JobSpec]},
	{"PodSpec", differential[corev1.PodSpec, corev1sdk.PodSpec]},
	{"ServiceSpec", differential[corev1.ServiceSpec, corev1sdk.ServiceSpec]},
	{"PersistentVolumeSpec", differential[corev1.PersistentVolumeSpec, corev1sdk.PersistentVolumeSpec]},
	{"PodDisruptionBudgetSpec", differential[policyv1.PodDisruptionBudgetSpec, policyv1sdk.PodDisruptionBudgetSpec]},
	{"NetworkPolicySpec", differential[networkingv1.NetworkPolicySpec, networkingv1sdk.NetworkPolicySpec]},
	{"PolicyRules", differential[[]rbacv1.PolicyRule, []rbacv1sdk.PolicyRule]},
}

func TestTreeMatchesJSONRoundTrip(t *testing.T) {
	for _, tt := range specTypes {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, 300, false) })
	}
}

func TestAwaitedTreeMatchesToOutput(t *testing.T) {
	for _, tt := range specTypes {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, 150, true) })
	}
}

// TestTreeJSONDetails pins the JSON behaviours the conversion reproduces,
// each of which changes what the provider is sent.
func TestTreeJSONDetails(t *testing.T) {
	spec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name:  "db",
			Ports: []corev1.ContainerPort{{ContainerPort: 0}},
			Env: []corev1.EnvVar{{Name: "CPU", ValueFrom: &corev1.EnvVarSource{
				ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"},
			}}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(8080)},
			}},
		}},
		InitContainers: []corev1.Container{},
		Tolerations:    nil,
		NodeSelector:   map[string]string{},
	}
	got, err := Tree[corev1sdk.PodSpec](spec)
	require.NoError(t, err)
	pod := got.(map[string]any)
	c := pod["containers"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"containerPort": float64(0)}, c["ports"].([]any)[0], "an omitempty zero is left out, a zero without omitempty is sent")
	env := c["env"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"resource": "limits.cpu"}, env["valueFrom"].(map[string]any)["resourceFieldRef"],
		"an unset divisor is left out, not sent as \"0\" (the one difference from JSON)")
	assert.Equal(t, float64(8080), c["readinessProbe"].(map[string]any)["httpGet"].(map[string]any)["port"], "an IntOrString number decodes as JSON's float64")
	assert.Equal(t, map[string]any{}, c["resources"], "an omitempty struct is still sent")
	assert.NotContains(t, pod, "initContainers", "an omitempty empty list is left out")
	assert.NotContains(t, pod, "nodeSelector", "an omitempty empty map is left out")

	sts, err := Tree[appsv1sdk.StatefulSetSpec](appsv1.StatefulSetSpec{Template: corev1.PodTemplateSpec{}})
	require.NoError(t, err)
	template := sts.(map[string]any)["template"].(map[string]any)
	assert.Equal(t, map[string]any{}, template["metadata"], "a zero Time marshals as null")
	assert.Equal(t, map[string]any{}, template["spec"], "a nil list without omitempty is null")
}

func TestAwaitedTreeEmptiesNilCollections(t *testing.T) {
	got, err := AwaitedTree[corev1sdk.ServiceSpec](corev1.ServiceSpec{ClusterIP: "None"})
	require.NoError(t, err)
	spec := got.(map[string]any)
	assert.Equal(t, []any{}, spec["externalIPs"])
	assert.Equal(t, map[string]any{}, spec["selector"])
	assert.NotContains(t, spec, "sessionAffinityConfig", "nil pointers stay null")
	plain, err := Tree[corev1sdk.ServiceSpec](corev1.ServiceSpec{ClusterIP: "None"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"clusterIP": "None"}, plain)
}

func TestTreeNil(t *testing.T) {
	got, err := Tree[corev1sdk.PodSpec]((*corev1.PodSpec)(nil))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{}, got, "a null spec is the zero struct")
	ptrGot, err := Tree[*corev1sdk.PodSpec]((*corev1.PodSpec)(nil))
	require.NoError(t, err)
	assert.Nil(t, ptrGot)
	awaited, err := AwaitedTree[corev1sdk.LocalObjectReference](nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{}, awaited)
}

func TestTreeRefusesMismatchedTypes(t *testing.T) {
	_, err := Tree[corev1sdk.ServicePort](corev1.ServicePort{Name: "grpc", Port: 1})
	require.NoError(t, err)
	_, err = Tree[string](corev1.ServicePort{Port: 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot convert v1.ServicePort into string")
}

func BenchmarkTree(b *testing.B) {
	var spec appsv1.StatefulSetSpec
	filler(1).NilChance(0).NumElements(1, 2).MaxDepth(8).Fill(&spec)
	b.Run("impl=reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Tree[appsv1sdk.StatefulSetSpec](spec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, err := JSONConvert[appsv1sdk.StatefulSetSpec](spec)
			if err != nil {
				b.Fatal(err)
			}
			plainTree(reflect.ValueOf(v))
		}
	})
}

// Types no other test converts, so TestTreeConcurrentCompile sees their
// converters compiled for the first time, by many goroutines at once
// (a recursive pair included).
type (
	raceSrc struct {
		Name     string            `json:"name"`
		Children []raceSrc         `json:"children,omitempty"`
		Limit    *int32            `json:"limit,omitempty"`
		Labels   map[string]string `json:"labels,omitempty"`
	}
	raceDst struct {
		Name     *string           `pulumi:"name"`
		Children []raceDst         `pulumi:"children"`
		Limit    *int              `pulumi:"limit"`
		Labels   map[string]string `pulumi:"labels"`
	}
)

func TestTreeConcurrentCompile(t *testing.T) {
	limit := int32(3)
	in := raceSrc{Name: "root", Limit: &limit, Children: []raceSrc{{Name: "leaf", Labels: map[string]string{"a": "b"}}}}
	ref, err := JSONConvert[raceDst](in)
	require.NoError(t, err)
	want := plainTree(reflect.ValueOf(ref))
	require.Equal(t, map[string]any{"name": "root", "limit": float64(3), "children": []any{map[string]any{"name": "leaf", "labels": map[string]any{"a": "b"}}}}, want)
	const n = 16
	errs := make(chan error, n)
	got := make(chan any, n)
	for range n {
		go func() {
			out, err := Tree[raceDst](in)
			errs <- err
			got <- out
		}()
	}
	for range n {
		require.NoError(t, <-errs)
		assert.Equal(t, want, <-got)
	}
}

// TestMetaInputSendsWhatMetaSends registers metadata both ways, for each
// kind of namespace, and compares what the engine receives.
func TestMetaInputSendsWhatMetaSends(t *testing.T) {
	m := metav1.ObjectMeta{Name: "db", Labels: map[string]string{"app": "db", "empty": ""}, Annotations: map[string]string{"a": "b"}}
	for _, tt := range []struct {
		name     string
		ns       pulumi.StringInput
		autoname bool
	}{
		{"provider default namespace", nil, false},
		{"literal namespace", pulumi.String("prod"), false},
		{"autoname", pulumi.String("prod"), true},
		{"namespace output", pulumi.String("prod").ToStringOutput(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := sent(t, []pulumi.Input{MetaInput(m, tt.ns, tt.autoname)})
			want := sent(t, []pulumi.Input{Meta(m, tt.ns, tt.autoname)})
			assert.Equal(t, want, got)
			require.True(t, got[0].IsObject())
			assert.Equal(t, !tt.autoname, got[0].ObjectValue().HasValue("name"))
		})
	}
	_, isTree := MetaInput(m, pulumi.String("prod"), false).(pulumi.AnyOutput)
	assert.True(t, isTree, "a known namespace makes a tree")
}
