// Package bridge converts plain k8s.io/api values into the pulumi-kubernetes
// SDK's plain types, so a plan built without Pulumi can be registered as
// typed resources. It is the only place where the two type systems meet.
//
// The conversion gives exactly what a JSON round trip would (marshal the
// k8s.io/api value, unmarshal it into the SDK struct, whose untagged fields
// match Kubernetes' JSON names case-insensitively), so what the components
// send never depends on how it was converted. It is done with reflection,
// from a converter compiled once per pair of types, because the JSON round
// trip was the largest cost of registering a cluster.
package bridge

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"

	metav1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Convert copies in, a k8s.io/api value, into T, the SDK's plain struct of
// the same Kubernetes type (or a slice or map of them).
func Convert[T any](in any) (T, error) {
	var out T
	src := reflect.ValueOf(in)
	if !src.IsValid() || omitted(src, false) {
		return out, nil // null
	}
	conv, err := converterFor(src.Type(), reflect.TypeFor[T]())
	if err != nil {
		return out, err
	}
	if err := conv(src, reflect.ValueOf(&out).Elem()); err != nil {
		return out, fmt.Errorf("bridge: %T into %T: %w", in, out, err)
	}
	return out, nil
}

// ConvertAwaited is Convert followed by what pulumi.ToOutput does to a
// plain value when it resolves: a deep copy in which every nil list and map
// becomes an empty one. Objects whose spec was once registered through
// pulumi.ToOutput keep sending exactly the same inputs (empty lists
// included) when their spec is registered as an already-resolved output
// (pulumix.Val), which skips ToOutput's goroutine and copy.
func ConvertAwaited[T any](in any) (T, error) {
	out, err := Convert[T](in)
	if err != nil {
		return out, err
	}
	emptyCollections(reflect.ValueOf(&out).Elem())
	return out, nil
}

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

// converter writes the conversion of src into dst, a settable value.
// It is only called for src values that JSON would emit (not nil, and not
// an omitted empty value).
type converter func(src, dst reflect.Value) error

type typePair struct{ src, dst reflect.Type }

// converters caches compiled converters by type pair, for lock-free reads.
// Compilation is serialized by compileMu. A converter under compilation is
// found in pending as a forwarder, so recursive types (a struct that
// contains itself) compile; converters are published only once the whole
// tree compiled.
var (
	converters sync.Map // typePair -> converter
	compileMu  sync.Mutex
	pending    = map[typePair]converter{}
)

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
)

func converterFor(src, dst reflect.Type) (converter, error) {
	if c, ok := converters.Load(typePair{src, dst}); ok {
		return c.(converter), nil
	}
	compileMu.Lock()
	defer compileMu.Unlock()
	defer clear(pending)
	c, err := lookup(src, dst)
	if err != nil {
		return nil, err
	}
	for k, v := range pending {
		converters.Store(k, v)
	}
	return c, nil
}

// lookup returns the converter of a pair, compiling it if need be; the
// caller holds compileMu.
func lookup(src, dst reflect.Type) (converter, error) {
	key := typePair{src, dst}
	if c, ok := converters.Load(key); ok {
		return c.(converter), nil
	}
	if c, ok := pending[key]; ok {
		return c, nil
	}
	var compiled converter
	pending[key] = func(s, d reflect.Value) error { return compiled(s, d) }
	c, err := compile(src, dst)
	if err != nil {
		return nil, err
	}
	compiled = c
	pending[key] = c
	return c, nil
}

// compile builds the converter of one pair of types.
// The caller holds compileMu.
func compile(src, dst reflect.Type) (converter, error) {
	special := src == quantityType || src == intOrStringType
	switch {
	case src.Kind() == reflect.Pointer:
		elem, err := lookup(src.Elem(), dst)
		if err != nil {
			return nil, err
		}
		return func(s, d reflect.Value) error {
			if s.IsNil() {
				return nil // JSON null leaves the destination alone
			}
			return elem(s.Elem(), d)
		}, nil
	case !special && (dst.Kind() == reflect.Interface || src.Implements(marshalerType) || reflect.PointerTo(src).Implements(marshalerType)):
		// Values with their own JSON form (which may be null), and
		// destinations that take whatever JSON decodes (rare in the specs):
		// the round trip itself, for just this value.
		return jsonConverter(), nil
	case dst.Kind() == reflect.Pointer:
		// JSON allocates the pointee of a pointer destination.
		elem, err := lookup(src, dst.Elem())
		if err != nil {
			return nil, err
		}
		return func(s, d reflect.Value) error {
			p := reflect.New(dst.Elem())
			if err := elem(s, p.Elem()); err != nil {
				return err
			}
			d.Set(p)
			return nil
		}, nil
	case src == quantityType:
		return quantityConverter(dst)
	case src == intOrStringType:
		return intOrStringConverter(dst)
	}
	switch src.Kind() {
	case reflect.Struct:
		return structConverter(src, dst)
	case reflect.Slice:
		if src.Elem().Kind() == reflect.Uint8 {
			return jsonConverter(), nil // []byte is base64 in JSON
		}
		return sliceConverter(src, dst)
	case reflect.Map:
		return mapConverter(src, dst)
	case reflect.String:
		if dst.Kind() != reflect.String {
			return nil, mismatch(src, dst)
		}
		return func(s, d reflect.Value) error { d.SetString(s.String()); return nil }, nil
	case reflect.Bool:
		if dst.Kind() != reflect.Bool {
			return nil, mismatch(src, dst)
		}
		return func(s, d reflect.Value) error { d.SetBool(s.Bool()); return nil }, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch dst.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return func(s, d reflect.Value) error { d.SetInt(s.Int()); return nil }, nil
		case reflect.Float32, reflect.Float64:
			return func(s, d reflect.Value) error { d.SetFloat(float64(s.Int())); return nil }, nil
		}
	case reflect.Float32, reflect.Float64:
		if dst.Kind() == reflect.Float32 || dst.Kind() == reflect.Float64 {
			return func(s, d reflect.Value) error { d.SetFloat(s.Float()); return nil }, nil
		}
	}
	return nil, mismatch(src, dst)
}

func mismatch(src, dst reflect.Type) error {
	return fmt.Errorf("bridge: cannot convert %v into %v", src, dst)
}

// jsonConverter round-trips one value through JSON.
func jsonConverter() converter {
	return func(s, d reflect.Value) error {
		b, err := json.Marshal(s.Interface())
		if err != nil {
			return err
		}
		return json.Unmarshal(b, d.Addr().Interface())
	}
}

// quantityConverter writes a Quantity's canonical string, as its
// MarshalJSON does.
func quantityConverter(dst reflect.Type) (converter, error) {
	if dst.Kind() == reflect.Interface {
		return func(s, d reflect.Value) error {
			q := s.Interface().(resource.Quantity)
			d.Set(reflect.ValueOf(q.String()))
			return nil
		}, nil
	}
	if dst.Kind() != reflect.String {
		return nil, mismatch(quantityType, dst)
	}
	return func(s, d reflect.Value) error {
		q := s.Interface().(resource.Quantity)
		d.SetString(q.String())
		return nil
	}, nil
}

// intOrStringConverter writes a string, or a number the way JSON decodes
// one (float64 into an interface, the destination's kind otherwise).
func intOrStringConverter(dst reflect.Type) (converter, error) {
	return func(s, d reflect.Value) error {
		v := s.Interface().(intstr.IntOrString)
		switch {
		case v.Type == intstr.String && (dst.Kind() == reflect.String || dst.Kind() == reflect.Interface):
			if dst.Kind() == reflect.String {
				d.SetString(v.StrVal)
			} else {
				d.Set(reflect.ValueOf(v.StrVal))
			}
		case v.Type == intstr.Int && dst.Kind() == reflect.Interface:
			d.Set(reflect.ValueOf(float64(v.IntVal)))
		case v.Type == intstr.Int && dst.Kind() >= reflect.Int && dst.Kind() <= reflect.Int64:
			d.SetInt(int64(v.IntVal))
		default:
			return mismatch(intOrStringType, dst)
		}
		return nil
	}, nil
}

// field is one JSON member of a source struct and where it goes.
type field struct {
	src       []int // index path, through inline embedded structs
	dst       int   // -1 when the destination has no such field
	omitEmpty bool
	conv      converter
}

func structConverter(src, dst reflect.Type) (converter, error) {
	if dst.Kind() != reflect.Struct {
		return nil, mismatch(src, dst)
	}
	var fields []field
	if err := collectFields(src, nil, dst, &fields); err != nil {
		return nil, err
	}
	return func(s, d reflect.Value) error {
		for _, f := range fields {
			v := s.FieldByIndex(f.src)
			if omitted(v, f.omitEmpty) {
				continue
			}
			if err := f.conv(v, d.Field(f.dst)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// collectFields lists the JSON members of src (embedded structs without a
// JSON name are flattened, as encoding/json does) that dst has a field
// for; members dst lacks are dropped, as an unmarshal drops unknown keys.
func collectFields(src reflect.Type, prefix []int, dst reflect.Type, out *[]field) error {
	for i := range src.NumField() {
		sf := src.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		index := append(append([]int(nil), prefix...), i)
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			if err := collectFields(sf.Type, index, dst, out); err != nil {
				return err
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		df, ok := dstField(dst, name)
		if !ok {
			continue
		}
		conv, err := lookup(sf.Type, dst.Field(df).Type)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", src.Name(), sf.Name, err)
		}
		*out = append(*out, field{src: index, dst: df, omitEmpty: hasOpt(opts, "omitempty"), conv: conv})
	}
	return nil
}

// dstField finds the destination field JSON would fill for key name: an
// exact match first, then a case-insensitive one.
func dstField(dst reflect.Type, name string) (int, bool) {
	fold := -1
	for i := range dst.NumField() {
		f := dst.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Name == name {
			return i, true
		}
		if fold < 0 && strings.EqualFold(f.Name, name) {
			fold = i
		}
	}
	return fold, fold >= 0
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// omitted reports whether JSON would leave the destination untouched: the
// member is omitted (omitempty and empty), or it is null (a nil pointer,
// slice, map or interface), which an unmarshal skips.
func omitted(v reflect.Value, omitEmpty bool) bool {
	switch v.Kind() {
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
	return false // structs are never omitted by omitempty
}

func sliceConverter(src, dst reflect.Type) (converter, error) {
	if dst.Kind() != reflect.Slice {
		return nil, mismatch(src, dst)
	}
	elem, err := lookup(src.Elem(), dst.Elem())
	if err != nil {
		return nil, err
	}
	return func(s, d reflect.Value) error {
		out := reflect.MakeSlice(dst, s.Len(), s.Len())
		for i := range s.Len() {
			if omitted(s.Index(i), false) {
				continue // null element: the zero value
			}
			if err := elem(s.Index(i), out.Index(i)); err != nil {
				return err
			}
		}
		d.Set(out)
		return nil
	}, nil
}

func mapConverter(src, dst reflect.Type) (converter, error) {
	if dst.Kind() != reflect.Map || src.Key().Kind() != reflect.String || dst.Key().Kind() != reflect.String {
		return nil, mismatch(src, dst)
	}
	elem, err := lookup(src.Elem(), dst.Elem())
	if err != nil {
		return nil, err
	}
	return func(s, d reflect.Value) error {
		out := reflect.MakeMapWithSize(dst, s.Len())
		it := s.MapRange()
		for it.Next() {
			v := reflect.New(dst.Elem()).Elem()
			if !omitted(it.Value(), false) {
				if err := elem(it.Value(), v); err != nil {
					return err
				}
			}
			out.SetMapIndex(reflect.ValueOf(it.Key().String()).Convert(dst.Key()), v)
		}
		d.Set(out)
		return nil
	}, nil
}
