package bridge

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	appsv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	networkingv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
)

// JSONConvert is the reference conversion: a JSON round trip. Convert must
// always give the same result.
func JSONConvert[T any](in any) (T, error) {
	var out T
	b, err := json.Marshal(in)
	if err != nil {
		return out, fmt.Errorf("bridge: marshal %T: %w", in, err)
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
		func(q *resource.Quantity, c randfill.Continue) {
			*q = resource.MustParse(quantities[c.Intn(len(quantities))])
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

// differential checks, for n random values of K, that convert gives what
// reference makes of the JSON round trip's result in S.
func differential[K, S any](t *testing.T, n int, convert func(any) (S, error), reference func(*testing.T, S) S) {
	t.Helper()
	for i := range n {
		var in K
		// Every third value has no nil pointers at all, so every member
		// of every type is converted; the others mix in nils and empties.
		filler(int64(i)).NilChance(float64(i%3) * 0.3).Fill(&in)
		ref, err := JSONConvert[S](in)
		require.NoError(t, err)
		got, err := convert(in)
		require.NoError(t, err)
		if !assert.Equal(t, reference(t, ref), got, "seed %d", i) {
			return
		}
	}
}

// plainDifferential checks that Convert gives the JSON round trip's result.
func plainDifferential[K, S any](t *testing.T, n int) {
	t.Helper()
	differential[K](t, n, Convert[S], func(_ *testing.T, ref S) S { return ref })
}

// awaitedDifferential checks that ConvertAwaited gives what pulumi.ToOutput
// resolves the JSON round trip's result to.
func awaitedDifferential[K, S any](t *testing.T, n int) {
	t.Helper()
	differential[K](t, n, ConvertAwaited[S], func(t *testing.T, ref S) S {
		return awaitOutput[S](t, pulumi.ToOutput(ref))
	})
}

// awaitOutput resolves an output outside a Pulumi program.
func awaitOutput[T any](t *testing.T, o pulumi.Output) T {
	t.Helper()
	ch := make(chan T, 1)
	o.ApplyT(func(v T) T { ch <- v; return v })
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("output did not resolve")
	}
	panic("unreachable")
}

func TestConvertAwaitedMatchesToOutput(t *testing.T) {
	const n = 150
	t.Run("ServiceSpec", func(t *testing.T) { awaitedDifferential[corev1.ServiceSpec, corev1sdk.ServiceSpec](t, n) })
	t.Run("PersistentVolumeSpec", func(t *testing.T) {
		awaitedDifferential[corev1.PersistentVolumeSpec, corev1sdk.PersistentVolumeSpec](t, n)
	})
	t.Run("PodDisruptionBudgetSpec", func(t *testing.T) {
		awaitedDifferential[policyv1.PodDisruptionBudgetSpec, policyv1sdk.PodDisruptionBudgetSpec](t, n)
	})
	t.Run("NetworkPolicySpec", func(t *testing.T) {
		awaitedDifferential[networkingv1.NetworkPolicySpec, networkingv1sdk.NetworkPolicySpec](t, n)
	})
	t.Run("PolicyRules", func(t *testing.T) { awaitedDifferential[[]rbacv1.PolicyRule, []rbacv1sdk.PolicyRule](t, n) })
	t.Run("PodSpec", func(t *testing.T) { awaitedDifferential[corev1.PodSpec, corev1sdk.PodSpec](t, n) })
}

func TestConvertMatchesJSONRoundTrip(t *testing.T) {
	const n = 300
	tests := []struct {
		name string
		run  func(*testing.T)
	}{
		{"StatefulSetSpec", func(t *testing.T) { plainDifferential[appsv1.StatefulSetSpec, appsv1sdk.StatefulSetSpec](t, n) }},
		{"JobSpec", func(t *testing.T) { plainDifferential[batchv1.JobSpec, batchv1sdk.JobSpec](t, n) }},
		{"PodSpec", func(t *testing.T) { plainDifferential[corev1.PodSpec, corev1sdk.PodSpec](t, n) }},
		{"ServiceSpec", func(t *testing.T) { plainDifferential[corev1.ServiceSpec, corev1sdk.ServiceSpec](t, n) }},
		{"PersistentVolumeSpec", func(t *testing.T) {
			plainDifferential[corev1.PersistentVolumeSpec, corev1sdk.PersistentVolumeSpec](t, n)
		}},
		{"PodDisruptionBudgetSpec", func(t *testing.T) {
			plainDifferential[policyv1.PodDisruptionBudgetSpec, policyv1sdk.PodDisruptionBudgetSpec](t, n)
		}},
		{"NetworkPolicySpec", func(t *testing.T) {
			plainDifferential[networkingv1.NetworkPolicySpec, networkingv1sdk.NetworkPolicySpec](t, n)
		}},
		{"PolicyRules", func(t *testing.T) { plainDifferential[[]rbacv1.PolicyRule, []rbacv1sdk.PolicyRule](t, n) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

// TestConvertJSONDetails pins the JSON behaviours the converter reproduces,
// each of which changes what the provider is sent.
func TestConvertJSONDetails(t *testing.T) {
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
	got, err := Convert[corev1sdk.PodSpec](spec)
	require.NoError(t, err)
	c := got.Containers[0]
	assert.Nil(t, c.Ports[0].HostPort, "an omitempty zero is left out")
	assert.Equal(t, to("0"), c.Env[0].ValueFrom.ResourceFieldRef.Divisor, "a zero Quantity is a struct, never omitted")
	assert.Equal(t, float64(8080), c.ReadinessProbe.HttpGet.Port, "an IntOrString number decodes as JSON's float64")
	assert.NotNil(t, c.Resources, "an omitempty struct is still sent")
	assert.Nil(t, got.InitContainers, "an omitempty empty list is left out")
	assert.Nil(t, got.NodeSelector, "an omitempty empty map is left out")

	sts, err := Convert[appsv1sdk.StatefulSetSpec](appsv1.StatefulSetSpec{Template: corev1.PodTemplateSpec{}})
	require.NoError(t, err)
	assert.Nil(t, sts.Template.Metadata.CreationTimestamp, "a zero Time marshals as null")
	assert.Nil(t, sts.Template.Spec.Containers, "a nil list without omitempty is null")
}

func TestConvertAwaitedEmptiesNilCollections(t *testing.T) {
	got, err := ConvertAwaited[corev1sdk.ServiceSpec](corev1.ServiceSpec{ClusterIP: "None"})
	require.NoError(t, err)
	assert.NotNil(t, got.ExternalIPs)
	assert.Empty(t, got.ExternalIPs)
	assert.NotNil(t, got.Selector)
	assert.Nil(t, got.SessionAffinityConfig, "nil pointers stay nil")
	plain, err := Convert[corev1sdk.ServiceSpec](corev1.ServiceSpec{ClusterIP: "None"})
	require.NoError(t, err)
	assert.Nil(t, plain.ExternalIPs)
}

func TestConvertNil(t *testing.T) {
	got, err := Convert[corev1sdk.PodSpec]((*corev1.PodSpec)(nil))
	require.NoError(t, err)
	assert.Equal(t, corev1sdk.PodSpec{}, got)
	ptrGot, err := Convert[*corev1sdk.PodSpec]((*corev1.PodSpec)(nil))
	require.NoError(t, err)
	assert.Nil(t, ptrGot)
}

func TestConvertRefusesMismatchedTypes(t *testing.T) {
	_, err := Convert[corev1sdk.ServicePort](corev1.ServicePort{Name: "grpc", Port: 1})
	require.NoError(t, err)
	_, err = Convert[string](corev1.ServicePort{Port: 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot convert v1.ServicePort into string")
}

func BenchmarkConvert(b *testing.B) {
	var spec appsv1.StatefulSetSpec
	filler(1).NilChance(0).NumElements(1, 2).MaxDepth(8).Fill(&spec)
	b.Run("impl=reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Convert[appsv1sdk.StatefulSetSpec](spec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := JSONConvert[appsv1sdk.StatefulSetSpec](spec); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func to[T any](v T) *T { return &v }

// Types no other test converts, so TestConvertConcurrentCompile sees their
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
		Name     *string
		Children []raceDst
		Limit    *int
		Labels   map[string]string
	}
)

func TestConvertConcurrentCompile(t *testing.T) {
	limit := int32(3)
	in := raceSrc{Name: "root", Limit: &limit, Children: []raceSrc{{Name: "leaf", Labels: map[string]string{"a": "b"}}}}
	want, err := JSONConvert[raceDst](in)
	require.NoError(t, err)
	const n = 16
	errs := make(chan error, n)
	got := make(chan raceDst, n)
	for range n {
		go func() {
			out, err := Convert[raceDst](in)
			errs <- err
			got <- out
		}()
	}
	for range n {
		require.NoError(t, <-errs)
		assert.Equal(t, want, <-got)
	}
}
