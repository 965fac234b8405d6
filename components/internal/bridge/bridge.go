package bridge

import (
	"maps"
	"reflect"

	metav1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// emptyCollections replaces every nil slice and map reachable from v
// (through pointers, structs, slices and maps) with an empty one.
func emptyCollections(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			emptyCollections(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				emptyCollections(f)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		}
		for i := range v.Len() {
			emptyCollections(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
			return
		}
		switch v.Type().Elem().Kind() {
		case reflect.Pointer, reflect.Struct, reflect.Slice, reflect.Map:
			it := v.MapRange()
			for it.Next() {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(it.Value())
				emptyCollections(e)
				v.SetMapIndex(it.Key(), e)
			}
		}
	}
}

// Resolved is the state of an output that already holds v: no goroutine,
// no copy (pulumi.ToOutput would walk and copy v in a goroutine). Wrap it in
// the typed output, e.g. corev1.ServiceSpecOutput{OutputState: Resolved(spec)}.
func Resolved[T any](v T) *pulumi.OutputState { return pulumix.Val(v).OutputState }

// Literal returns the value of an input given as a literal
// (pulumi.String): known while the program runs, before any resource
// resolves. ok is false for outputs of other resources, config secrets and
// nil.
func Literal(in pulumi.StringInput) (value string, ok bool) {
	s, ok := in.(pulumi.String)
	return string(s), ok
}

// Meta converts object metadata. ns is nil for cluster-scoped objects and
// for namespaced objects that use the provider's default namespace. When
// autoname is true the name is left to Pulumi (name + random suffix).
//
// Metadata whose namespace is known when the program runs (nil or a
// pulumi.String) is an already-resolved output of the plain struct, which
// the SDK marshals with less work than a tree of inputs; with a namespace
// from another resource it is that tree, so the namespace stays an input.
// Both send the same properties.
func Meta(m metav1.ObjectMeta, ns pulumi.StringInput, autoname bool) metav1sdk.ObjectMetaPtrInput {
	known, isKnown := Literal(ns)
	if ns == nil || isKnown {
		out := metav1sdk.ObjectMeta{}
		if !autoname {
			out.Name = &m.Name
		}
		if isKnown {
			out.Namespace = &known
		}
		// Copies: the SDK reads them later, from another goroutine.
		if len(m.Labels) > 0 {
			out.Labels = maps.Clone(m.Labels)
		}
		if len(m.Annotations) > 0 {
			out.Annotations = maps.Clone(m.Annotations)
		}
		return metav1sdk.ObjectMetaOutput{OutputState: Resolved(out)}
	}
	out := metav1sdk.ObjectMetaArgs{Namespace: ns}
	if !autoname {
		out.Name = pulumi.String(m.Name)
	}
	if len(m.Labels) > 0 {
		out.Labels = pulumi.ToStringMap(m.Labels)
	}
	if len(m.Annotations) > 0 {
		out.Annotations = pulumi.ToStringMap(m.Annotations)
	}
	return out
}

// MetaInput is Meta as the metadata property of an object registered with
// a pulumi.Map (see Tree): the property tree of the metadata when its
// namespace is known while the program runs, Meta's inputs otherwise. It
// sends the same properties as Meta.
func MetaInput(m metav1.ObjectMeta, ns pulumi.StringInput, autoname bool) pulumi.Input {
	known, isKnown := Literal(ns)
	if ns != nil && !isKnown {
		return Meta(m, ns, autoname)
	}
	tree := make(map[string]any, 4)
	if !autoname {
		tree["name"] = m.Name
	}
	if isKnown {
		tree["namespace"] = known
	}
	if len(m.Labels) > 0 {
		tree["labels"] = stringsTree(m.Labels)
	}
	if len(m.Annotations) > 0 {
		tree["annotations"] = stringsTree(m.Annotations)
	}
	return Input(tree)
}

func stringsTree(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// omitted reports whether JSON would leave the destination untouched: the
// member is omitted (omitempty and empty), or it is null (a nil pointer,
// slice, map or interface), which an unmarshal skips. One deliberate
// difference from encoding/json: a zero resource.Quantity in an omitempty
// member is omitted too (as encoding/json/v2's omitzero would). The only
// such member of the types the components send is a downward-API
// divisor (ResourceFieldSelector.Divisor), which JSON sends as "0" when it
// is unset; Kubernetes reads "0" and no divisor alike (as 1), and a
// divisor of "0" in a preview only misleads.
func omitted(v reflect.Value, omitEmpty bool) bool {
	switch v.Kind() {
	case reflect.Struct:
		if omitEmpty && v.Type() == quantityType {
			q, _ := reflect.TypeAssert[resource.Quantity](v)
			return q.IsZero()
		}
		return false // other structs are never omitted by omitempty
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map:
		return v.IsNil() || (omitEmpty && v.Len() == 0)
	case reflect.String:
		return omitEmpty && v.Len() == 0
	case reflect.Bool:
		return omitEmpty && !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return omitEmpty && v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return omitEmpty && v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return omitEmpty && v.Float() == 0
	}
	return false
}
