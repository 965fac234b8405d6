package reliability

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/render"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// testNamespace is the namespace manifests are rendered into.
const testNamespace = "reliability"

// planDB plans a generated cluster and renders it into testNamespace; err
// is the planner's.
func planDB(in dbInput) ([]render.Object, []byte, error) { return planDBIn(in, testNamespace) }

// planDBIn plans a generated cluster and renders it into namespace ns.
func planDBIn(in dbInput, ns string) ([]render.Object, []byte, error) {
	c := genDatabaseCluster(in)
	plan, _, err := components.PlanDatabaseCluster(c.Name, c.Args)
	if err != nil {
		return nil, nil, err
	}
	objs := render.Cluster(plan, ns, c.Deployed)
	out, rerr := render.YAML(objs...)
	if rerr != nil {
		return nil, nil, fmt.Errorf("render: %w", rerr)
	}
	return objs, out, nil
}

// planPool plans a generated pool and renders it.
func planPool(in poolInput) ([]render.Object, []byte, error) {
	c := genLocalVolumePool(in)
	plan, err := localpv.New(c.Name, c.Spec)
	if err != nil {
		return nil, nil, err
	}
	objs := render.Pool(plan)
	out, rerr := render.YAML(objs...)
	if rerr != nil {
		return nil, nil, fmt.Errorf("render: %w", rerr)
	}
	return objs, out, nil
}

// planNet plans a generated network and renders it into testNamespace.
func planNet(in netInput) ([]render.Object, []byte, error) { return planNetIn(in, testNamespace) }

// planNetIn plans a generated network and renders it into namespace ns.
func planNetIn(in netInput, ns string) ([]render.Object, []byte, error) {
	c := genHeadlessNetwork(in)
	plan, err := network.New(c.Name, c.Spec)
	if err != nil {
		return nil, nil, err
	}
	objs := render.Network(plan, ns)
	out, rerr := render.YAML(objs...)
	if rerr != nil {
		return nil, nil, fmt.Errorf("render: %w", rerr)
	}
	return objs, out, nil
}

// checkPlanned asserts the properties of one planner run. plan is called
// twice: the second run must agree byte for byte (or error for error).
// It reports whether the input was accepted.
func checkPlanned(t testing.TB, kind, name string, plan func() ([]render.Object, []byte, error)) bool {
	t.Helper()
	objs, out, err := plan()
	_, again, err2 := plan()
	if err != nil {
		var verr *validation.Error
		require.True(t, errors.As(err, &verr), "error is %T, not *validation.Error: %v", err, err)
		require.NotEmpty(t, verr.Problems, "a validation error with no problem")
		assert.Equal(t, kind, verr.Component)
		assert.Equal(t, name, verr.Name)
		for _, p := range verr.Problems {
			assert.NotEmpty(t, p.Field, "problem without a field path: %v", p)
		}
		assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("%s %q: ", kind, name)), "error names the component: %v", err)
		require.Error(t, err2, "the second run accepted what the first refused")
		assert.Equal(t, err.Error(), err2.Error(), "validation is not deterministic")
		return false
	}
	require.NoError(t, err2, "the second run refused what the first accepted")
	require.Equal(t, string(out), string(again), "rendering is not deterministic")
	checkManifests(t, objs, out)
	return true
}

// checkManifests asserts that the rendered stream parses back into the
// objects, and that names, labels and selectors pass apimachinery's
// validation.
func checkManifests(t testing.TB, objs []render.Object, out []byte) {
	t.Helper()
	docs := splitYAML(t, out)
	require.Len(t, docs, len(objs), "one YAML document per object")
	for i, o := range objs {
		var u map[string]any
		require.NoError(t, yaml.Unmarshal(docs[i], &u), "document %d is not YAML", i)
		meta, _ := u["metadata"].(map[string]any)
		require.NotEmpty(t, u["apiVersion"], "document %d has no apiVersion", i)
		require.NotEmpty(t, u["kind"], "document %d has no kind", i)
		require.Equal(t, o.GetName(), meta["name"], "document %d names another object", i)

		// Round trip: strict decoding into the same type gives the object back.
		back := reflect.New(reflect.TypeOf(o).Elem()).Interface()
		require.NoError(t, yaml.UnmarshalStrict(docs[i], back), "document %d does not decode strictly", i)
		require.True(t, equality.Semantic.DeepEqual(o, back), "document %d does not round-trip:\n%s", i, docs[i])

		kind, _ := u["kind"].(string)
		namespaced := kind != "PersistentVolume" && kind != "StorageClass"
		errs := apivalidation.ValidateObjectMetaAccessor(o, namespaced, nameRule(kind), field.NewPath("metadata"))
		require.Empty(t, errs, "%s %q: invalid metadata", kind, o.GetName())
		checkWorkload(t, o)
	}
}

// nameRule is the API server's rule for names of a kind. Service names are
// held to DNS-1035 (start with a letter), which API servers before the
// RelaxedServiceNameValidation feature require.
func nameRule(kind string) apivalidation.ValidateNameFunc {
	switch kind {
	case "Service":
		return apivalidation.NameIsDNS1035Label
	case "StatefulSet":
		return apivalidation.NameIsDNSLabel
	}
	return apivalidation.NameIsDNSSubdomain
}

// checkWorkload checks what the API server checks on pod templates.
func checkWorkload(t testing.TB, o render.Object) {
	t.Helper()
	var sel *metav1.LabelSelector
	var tmpl *corev1.PodTemplateSpec
	switch w := o.(type) {
	case *appsv1.StatefulSet:
		sel, tmpl = w.Spec.Selector, &w.Spec.Template
		last := int32(0)
		if w.Spec.Ordinals != nil {
			last = w.Spec.Ordinals.Start
		}
		last += *w.Spec.Replicas - 1
		pod := fmt.Sprintf("%s-%d", w.Name, last)
		require.Empty(t, k8svalidation.IsDNS1123Label(pod), "pod name %q", pod)
		require.Empty(t, k8svalidation.IsValidLabelValue(w.Name+"-0123456789"), "controller-revision-hash of %q", w.Name)
		for _, pvc := range w.Spec.VolumeClaimTemplates {
			require.Empty(t, k8svalidation.IsDNS1123Subdomain(pvc.Name+"-"+pod), "claim name of %q", pvc.Name)
			require.Empty(t, metav1validation.ValidateLabels(pvc.Labels, field.NewPath("labels")))
		}
	case *batchv1.Job:
		sel, tmpl = &metav1.LabelSelector{MatchLabels: w.Spec.Template.Labels}, &w.Spec.Template
		require.Empty(t, k8svalidation.IsValidLabelValue(w.Name), "job-name label of %q", w.Name)
	default:
		return
	}
	require.Empty(t, metav1validation.ValidateLabels(tmpl.Labels, field.NewPath("template", "labels")))
	require.Empty(t, apivalidation.ValidateAnnotations(tmpl.Annotations, field.NewPath("template", "annotations")))
	require.Empty(t, metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, field.NewPath("selector")))
	s, err := metav1.LabelSelectorAsSelector(sel)
	require.NoError(t, err)
	require.True(t, s.Matches(k8slabels.Set(tmpl.Labels)), "selector %v does not select the template's labels %v", sel, tmpl.Labels)
	for _, c := range append(append([]corev1.Container(nil), tmpl.Spec.InitContainers...), tmpl.Spec.Containers...) {
		require.NotEmpty(t, c.Image, "container %q has no image", c.Name)
		require.Empty(t, k8svalidation.IsDNS1123Label(c.Name), "container name %q", c.Name)
		for _, p := range c.Ports {
			if p.Name != "" {
				require.Empty(t, k8svalidation.IsValidPortName(p.Name), "port name %q", p.Name)
			}
		}
	}
}

// splitYAML splits a multi-document stream.
func splitYAML(t testing.TB, out []byte) [][]byte {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	var docs [][]byte
	for {
		d, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		require.NoError(t, err)
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
}

// TestSeededSpecsHoldTheProperties runs the fuzz properties over the
// seeded generator in every `go test`, and checks the generator reaches
// both outcomes often enough to be useful.
func TestSeededSpecsHoldTheProperties(t *testing.T) {
	dbs, pools, nets := seededDBInputs(1, 400), seededPoolInputs(1, 200), seededNetInputs(1, 200)
	for _, tc := range []struct {
		kind string
		run  func(i int) bool
		n    int
	}{
		{cluster.Kind, func(i int) bool {
			in := dbs[i]
			return checkPlanned(t, cluster.Kind, in.Name, func() ([]render.Object, []byte, error) { return planDB(in) })
		}, 400},
		{localpv.Kind, func(i int) bool {
			in := pools[i]
			return checkPlanned(t, localpv.Kind, in.Name, func() ([]render.Object, []byte, error) { return planPool(in) })
		}, 200},
		{network.Kind, func(i int) bool {
			in := nets[i]
			return checkPlanned(t, network.Kind, in.Name, func() ([]render.Object, []byte, error) { return planNet(in) })
		}, 200},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			ok := 0
			for i := range tc.n {
				if tc.run(i) {
					ok++
				}
			}
			t.Logf("%s: %d of %d seeded specs accepted", tc.kind, ok, tc.n)
			assert.GreaterOrEqual(t, ok, tc.n/10, "the generator rarely produces valid specs")
			assert.LessOrEqual(t, ok, tc.n*9/10, "the generator rarely produces invalid specs")
		})
	}
}
