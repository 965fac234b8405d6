package bridge

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Tree converts in, a k8s.io/api value (or a slice or map of them), into
// the properties the engine receives for T, the pulumi-kubernetes SDK's
// plain struct of the same Kubernetes type, holding the JSON round trip of
// in and registered as an already-resolved output: map[string]any for
// objects, []any for lists, string, float64 and bool for scalars, nil for
// null. Register it with Input.
func Tree[T any](in any) (any, error) { return tree(in, reflect.TypeFor[T](), false) }

// AwaitedTree is Tree for the value pulumi.ToOutput resolves the round
// trip to: a deep copy in which every nil list and map is empty. Objects
// whose spec was once registered through pulumi.ToOutput keep sending
// exactly the same inputs, empty lists included.
func AwaitedTree[T any](in any) (any, error) { return tree(in, reflect.TypeFor[T](), true) }

// Input is a property tree (from Tree or AwaitedTree) as an input of a
// resource registered with a pulumi.Map of properties.
func Input(tree any) pulumi.AnyOutput { return pulumi.AnyOutput{OutputState: Resolved(tree)} }

func tree(in any, dst reflect.Type, awaited bool) (any, error) {
	src := reflect.ValueOf(in)
	if !src.IsValid() || omitted(src, false) {
		// JSON null: the round trip leaves T zero.
		zero, err := zeroFor(dst, awaited)
		if err != nil || zero == nil {
			return nil, err
		}
		return zero(), nil
	}
	conv, err := converterFor(treeKey{src.Type(), dst, awaited})
	if err != nil {
		return nil, err
	}
	out, err := conv(src)
	if err != nil {
		return nil, fmt.Errorf("bridge: %T into %v: %w", in, dst, err)
	}
	return out, nil
}

// converter returns the property tree of src, a value JSON would emit (not
// nil, and not an omitted empty value).
type converter func(src reflect.Value) (any, error)

// treeKey is a compiled conversion: from the k8s.io/api type src into the
// SDK type dst, with or without ToOutput's empty collections.
type treeKey struct {
	src, dst reflect.Type
	awaited  bool
}

// converters caches compiled converters by key, for lock-free reads.
// Compilation is serialized by compileMu. A converter under compilation is
// found in pending as a forwarder, so recursive types (a struct that
// contains itself) compile; converters are published only once the whole
// tree compiled.
var (
	converters sync.Map // treeKey -> converter
	compileMu  sync.Mutex
	pending    = map[treeKey]converter{}
)

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
)

func converterFor(k treeKey) (converter, error) {
	if c, ok := converters.Load(k); ok {
		return c.(converter), nil
	}
	compileMu.Lock()
	defer compileMu.Unlock()
	defer clear(pending)
	c, err := lookup(k)
	if err != nil {
		return nil, err
	}
	for k, v := range pending {
		converters.Store(k, v)
	}
	return c, nil
}

// lookup returns the converter of a key, compiling it if need be; the
// caller holds compileMu.
func lookup(k treeKey) (converter, error) {
	if c, ok := converters.Load(k); ok {
		return c.(converter), nil
	}
	if c, ok := pending[k]; ok {
		return c, nil
	}
	var compiled converter
	pending[k] = func(s reflect.Value) (any, error) { return compiled(s) }
	c, err := compile(k)
	if err != nil {
		return nil, err
	}
	compiled = c
	pending[k] = c
	return c, nil
}

// compile builds the converter of one key. The caller holds compileMu.
func compile(k treeKey) (converter, error) {
	src, dst := k.src, k.dst
	special := src == quantityType || src == intOrStringType || src == timeType
	switch {
	case src.Kind() == reflect.Pointer:
		elem, err := lookup(treeKey{src.Elem(), dst, k.awaited})
		if err != nil {
			return nil, err
		}
		zero, err := zeroFor(dst, k.awaited)
		if err != nil {
			return nil, err
		}
		return func(s reflect.Value) (any, error) {
			if s.IsNil() {
				return call(zero), nil // JSON null leaves the destination zero
			}
			return elem(s.Elem())
		}, nil
	case src == timeType:
		return timeConverter(k)
	case !special && (dst.Kind() == reflect.Interface || src.Implements(marshalerType) || reflect.PointerTo(src).Implements(marshalerType)):
		// Values with their own JSON form (which may be null), and
		// destinations that take whatever JSON decodes (rare in the specs):
		// the round trip itself, for just this value.
		return roundTrip(dst, k.awaited), nil
	case dst.Kind() == reflect.Pointer:
		// JSON allocates the pointee, so the result is never null.
		return lookup(treeKey{src, dst.Elem(), k.awaited})
	case src == quantityType:
		if dst.Kind() != reflect.String {
			return nil, mismatch(src, dst)
		}
		return func(s reflect.Value) (any, error) {
			q, _ := reflect.TypeAssert[resource.Quantity](s) // no copy on the heap
			return q.String(), nil                           // as its MarshalJSON
		}, nil
	case src == intOrStringType:
		return intOrStringConverter(dst), nil
	}
	switch src.Kind() {
	case reflect.Struct:
		return structConverter(k)
	case reflect.Slice:
		if src.Elem().Kind() == reflect.Uint8 {
			return roundTrip(dst, k.awaited), nil // []byte is base64 in JSON
		}
		return sliceConverter(k)
	case reflect.Map:
		return mapConverter(k)
	case reflect.String:
		if dst.Kind() == reflect.String {
			return func(s reflect.Value) (any, error) { return s.String(), nil }, nil
		}
	case reflect.Bool:
		if dst.Kind() == reflect.Bool {
			return func(s reflect.Value) (any, error) { return s.Bool(), nil }, nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if isNumber(dst.Kind()) {
			return func(s reflect.Value) (any, error) { return sentInt(s.Int(), dst.Kind()), nil }, nil
		}
	case reflect.Float32, reflect.Float64:
		if isFloat(dst.Kind()) {
			return func(s reflect.Value) (any, error) { return sentFloat(s.Float(), dst.Kind()), nil }, nil
		}
	}
	return nil, mismatch(src, dst)
}

func mismatch(src, dst reflect.Type) error {
	return fmt.Errorf("bridge: cannot convert %v into %v", src, dst)
}

func call(f func() any) any {
	if f == nil {
		return nil
	}
	return f()
}

func isFloat(k reflect.Kind) bool { return k == reflect.Float32 || k == reflect.Float64 }

func isNumber(k reflect.Kind) bool {
	return isFloat(k) || (k >= reflect.Int && k <= reflect.Int64)
}

// sentInt is the integer v stored in a destination of kind k, as the SDK
// sends it (every number is a float64).
func sentInt(v int64, k reflect.Kind) float64 {
	switch k {
	case reflect.Int8:
		return float64(int8(v))
	case reflect.Int16:
		return float64(int16(v))
	case reflect.Int32:
		return float64(int32(v))
	case reflect.Float32:
		return float64(float32(v))
	}
	return float64(v)
}

// sentFloat is v stored in a float destination of kind k, as the SDK sends it.
func sentFloat(v float64, k reflect.Kind) float64 {
	if k == reflect.Float32 {
		return float64(float32(v))
	}
	return v
}

// roundTrip converts one value through JSON into dst, then sends dst as the
// SDK would.
func roundTrip(dst reflect.Type, awaited bool) converter {
	return func(s reflect.Value) (any, error) {
		b, err := json.Marshal(s.Interface())
		if err != nil {
			return nil, err
		}
		d := reflect.New(dst)
		if err := json.Unmarshal(b, d.Interface()); err != nil {
			return nil, err
		}
		if awaited {
			emptyCollections(d.Elem())
		}
		return plainTree(d.Elem()), nil
	}
}

// timeConverter sends a time as its MarshalJSON writes it: null when zero,
// RFC 3339 in UTC otherwise, without a JSON round trip: every planned
// object has a creationTimestamp (zero) to convert.
func timeConverter(k treeKey) (converter, error) {
	dst := k.dst
	if dst.Kind() == reflect.Pointer {
		dst = dst.Elem()
	}
	if dst.Kind() != reflect.String {
		return nil, mismatch(k.src, k.dst)
	}
	zero, err := zeroFor(k.dst, k.awaited)
	if err != nil {
		return nil, err
	}
	return func(s reflect.Value) (any, error) {
		t, _ := reflect.TypeAssert[metav1.Time](s)
		if t.IsZero() {
			return call(zero), nil // JSON null leaves the destination zero
		}
		return t.UTC().Format(time.RFC3339), nil
	}, nil
}

// intOrStringConverter sends a string, or a number the way JSON decodes one
// into the destination.
func intOrStringConverter(dst reflect.Type) converter {
	return func(s reflect.Value) (any, error) {
		v, _ := reflect.TypeAssert[intstr.IntOrString](s)
		switch {
		case v.Type == intstr.String && (dst.Kind() == reflect.String || dst.Kind() == reflect.Interface):
			return v.StrVal, nil
		case v.Type == intstr.Int && (dst.Kind() == reflect.Interface || (dst.Kind() >= reflect.Int && dst.Kind() <= reflect.Int64)):
			return sentInt(int64(v.IntVal), dst.Kind()), nil
		}
		return nil, mismatch(intOrStringType, dst)
	}
}

// treeField is one property of a destination struct and the members of the
// source struct JSON would write into it, in order.
type treeField struct {
	name    string
	zero    func() any // the property when no member is present; nil for none
	sources []treeSource
}

// property is one member of an object being built.
type property struct {
	name  string
	value any
}

type treeSource struct {
	index     []int // index path, through inline embedded structs
	omitEmpty bool
	conv      converter
}

func structConverter(k treeKey) (converter, error) {
	if k.dst.Kind() != reflect.Struct {
		return nil, mismatch(k.src, k.dst)
	}
	fields := make([]treeField, k.dst.NumField())
	for i := range fields {
		f := k.dst.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		if name == "" {
			continue // the SDK sends untagged fields nowhere
		}
		zero, err := zeroFor(f.Type, k.awaited)
		if err != nil {
			return nil, fmt.Errorf("%v.%s: %w", k.dst, f.Name, err)
		}
		fields[i] = treeField{name: name, zero: zero}
	}
	if err := collectSources(k.src, nil, k, fields); err != nil {
		return nil, err
	}
	// Only the properties the SDK sends.
	sent := fields[:0]
	for _, f := range fields {
		if f.name != "" && (f.zero != nil || len(f.sources) > 0) {
			sent = append(sent, f)
		}
	}
	return func(s reflect.Value) (any, error) {
		// Most members of Kubernetes structs are unset: collect the
		// properties first, so the map is allocated for just those.
		var buf [16]property
		props := buf[:0]
		for i := range sent {
			f := &sent[i]
			v, set, err := f.value(s)
			if err != nil {
				return nil, err
			}
			if !set {
				v = call(f.zero)
			}
			if v != nil {
				props = append(props, property{f.name, v})
			}
		}
		obj := make(map[string]any, len(props))
		for _, p := range props {
			obj[p.name] = p.value
		}
		return obj, nil
	}, nil
}

// value converts the last member present in s (JSON lets a later key
// overwrite an earlier one); set is false when none is.
func (f *treeField) value(s reflect.Value) (v any, set bool, err error) {
	for j := len(f.sources) - 1; j >= 0; j-- {
		src := &f.sources[j]
		var m reflect.Value
		if len(src.index) == 1 {
			m = s.Field(src.index[0])
		} else {
			m = s.FieldByIndex(src.index)
		}
		if omitted(m, src.omitEmpty) {
			continue
		}
		v, err = src.conv(m)
		return v, true, err
	}
	return nil, false, nil
}

// collectSources adds the JSON members of src (embedded structs without a
// JSON name are flattened, as encoding/json does) to the destination
// fields they fill; members the destination lacks are dropped, as an
// unmarshal drops unknown keys.
func collectSources(src reflect.Type, prefix []int, k treeKey, fields []treeField) error {
	for i := range src.NumField() {
		sf := src.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		index := append(append([]int(nil), prefix...), i)
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			if err := collectSources(sf.Type, index, k, fields); err != nil {
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
		df, ok := dstField(k.dst, name)
		if !ok || fields[df].name == "" {
			continue // dropped by JSON, or filled but never sent
		}
		conv, err := lookup(treeKey{sf.Type, k.dst.Field(df).Type, k.awaited})
		if err != nil {
			return fmt.Errorf("%s.%s: %w", src.Name(), sf.Name, err)
		}
		fields[df].sources = append(fields[df].sources, treeSource{index: index, omitEmpty: hasOpt(opts, "omitempty"), conv: conv})
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

// elementConverter converts the elements of a list or map of k: a null
// element (a nil pointer) becomes the destination element's zero value.
func elementConverter(k treeKey) (converter, error) {
	elem, err := lookup(treeKey{k.src.Elem(), k.dst.Elem(), k.awaited})
	if err != nil {
		return nil, err
	}
	zero, err := zeroFor(k.dst.Elem(), k.awaited)
	if err != nil {
		return nil, err
	}
	return func(e reflect.Value) (any, error) {
		if omitted(e, false) {
			return call(zero), nil
		}
		return elem(e)
	}, nil
}

func sliceConverter(k treeKey) (converter, error) {
	if k.dst.Kind() != reflect.Slice {
		return nil, mismatch(k.src, k.dst)
	}
	elem, err := elementConverter(k)
	if err != nil {
		return nil, err
	}
	return func(s reflect.Value) (any, error) {
		out := make([]any, s.Len())
		for i := range out {
			v, err := elem(s.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}, nil
}

func mapConverter(k treeKey) (converter, error) {
	if k.dst.Kind() != reflect.Map || k.src.Key().Kind() != reflect.String || k.dst.Key().Kind() != reflect.String {
		return nil, mismatch(k.src, k.dst)
	}
	elem, err := elementConverter(k)
	if err != nil {
		return nil, err
	}
	return func(s reflect.Value) (any, error) {
		out := make(map[string]any, s.Len())
		// One key and one value for the whole map: MapIter.Key and Value
		// would copy each entry to the heap.
		key, val := reflect.New(k.src.Key()).Elem(), reflect.New(k.src.Elem()).Elem()
		it := s.MapRange()
		for it.Next() {
			key.SetIterKey(it)
			val.SetIterValue(it)
			v, err := elem(val)
			if err != nil {
				return nil, err
			}
			if v != nil { // the SDK drops null values from maps
				out[key.String()] = v
			}
		}
		return out, nil
	}, nil
}

// Boxed zero values, shared: nothing writes to them (an empty list has no
// element to write).
var (
	zeroString any = ""
	zeroBool   any = false
	zeroNumber any = float64(0)
	emptyList  any = []any{}
)

// zeroFor returns the property tree the SDK sends for the zero value of t
// (after ToOutput's empty collections when awaited), or nil when it sends
// nothing (null).
func zeroFor(t reflect.Type, awaited bool) (func() any, error) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return nil, nil
	case reflect.Slice:
		if !awaited {
			return nil, nil
		}
		return func() any { return emptyList }, nil
	case reflect.Map:
		if !awaited {
			return nil, nil
		}
		return func() any { return map[string]any{} }, nil
	case reflect.String:
		return func() any { return zeroString }, nil
	case reflect.Bool:
		return func() any { return zeroBool }, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return func() any { return zeroNumber }, nil
	case reflect.Struct:
		type zeroField struct {
			name string
			zero func() any
		}
		var fields []zeroField
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
			if name == "" {
				continue
			}
			zero, err := zeroFor(f.Type, awaited)
			if err != nil {
				return nil, fmt.Errorf("%v.%s: %w", t, f.Name, err)
			}
			if zero != nil {
				fields = append(fields, zeroField{name, zero})
			}
		}
		return func() any {
			obj := make(map[string]any, len(fields))
			for _, f := range fields {
				obj[f.name] = f.zero()
			}
			return obj
		}, nil
	}
	return nil, fmt.Errorf("bridge: no zero value of %v to send", t)
}

// plainTree is what the SDK sends for v, a plain value (no inputs or
// resources), when it registers it: structs by their pulumi tags, nil
// pointers, slices, maps and interfaces as null (left out of objects and
// maps), numbers as float64.
func plainTree(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plainTree(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plainTree(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			if e := plainTree(it.Value()); e != nil {
				out[it.Key().String()] = e
			}
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("pulumi"), ",")
			if name == "" {
				continue
			}
			if e := plainTree(v.Field(i)); e != nil {
				out[name] = e
			}
		}
		return out
	}
	return nil
}
