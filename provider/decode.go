package provider

// Decoding the plain inputs. Success contract: decode either fills the Go
// value exactly as a Go program would have written it, or returns a
// *validation.Error naming every key that is not a field of the type (with
// the fields it has) and every value of the wrong JSON kind, by its path in
// the schema's names, before anything is registered.

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// decode checks the plain value v (maps, lists and scalars as the engine
// sends them) against the type of dst, then decodes it into dst with
// encoding/json: the schema's names match the Go fields case-insensitively
// and Kubernetes types by their JSON names. Keys of dst's struct that v does
// not mention keep their value, so decoding over a filled-in value lays the
// input over it (objects merge, lists and scalars replace).
func decode(l *validation.List, p *validation.Path, v any, dst any) {
	before := l.Len()
	check(l, p, v, reflect.TypeOf(dst).Elem())
	if l.Len() > before {
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		l.Invalid(p, "<unencodable>", err.Error())
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		// check covers the kinds; what remains is a value a type's own
		// decoder refuses (a malformed quantity, say).
		l.Invalid(p, "<undecodable>", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// check walks v along t and records every unknown key and wrong kind.
func check(l *validation.List, p *validation.Path, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return
	}
	switch t {
	case reflect.TypeFor[intstr.IntOrString]():
		if !isInteger(v) && !isKind[string](v) {
			l.Invalid(p, v, "must be an integer or a string such as \"25%\"")
		}
		return
	case reflect.TypeFor[resource.Quantity]():
		if !isKind[string](v) && !isKind[float64](v) {
			l.Invalid(p, v, "must be a quantity such as \"10Gi\"")
		}
		return
	}
	switch t.Kind() {
	case reflect.String:
		if !isKind[string](v) {
			l.Invalid(p, v, "must be a string")
		}
	case reflect.Bool:
		if !isKind[bool](v) {
			l.Invalid(p, v, "must be true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if !isInteger(v) {
			l.Invalid(p, v, "must be an integer")
		}
	case reflect.Float32, reflect.Float64:
		if !isKind[float64](v) {
			l.Invalid(p, v, "must be a number")
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			l.Invalid(p, v, "must be a list")
			return
		}
		for i, e := range list {
			check(l, p.Index(i), e, t.Elem())
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			l.Invalid(p, v, "must be an object (a map)")
			return
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			check(l, p.Key(k), m[k], t.Elem())
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			l.Invalid(p, v, "must be an object")
			return
		}
		fields := fieldsByName(t)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fields[k]
			if !ok {
				l.Forbidden(p.Child(k), fmt.Sprintf("is not a field of %s; its fields are %s", schemaName(t), strings.Join(slices.Sorted(maps.Keys(fields)), ", ")))
				continue
			}
			check(l, p.Child(k), m[k], f)
		}
	}
}

// fieldsByName maps the schema names of struct t's fields to their types:
// JSON names for Kubernetes types (embedded structs without a name
// inlined), PropertyName for ordinal's.
func fieldsByName(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	kube := !strings.HasPrefix(t.PkgPath(), Module+"/")
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name := PropertyName(f.Name)
		if kube {
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if tag == "-" {
				continue
			}
			if tag != "" {
				name = tag
			} else {
				name = f.Name
			}
		}
		out[name] = f.Type
	}
	return out
}

// schemaName names struct t for an error message.
func schemaName(t reflect.Type) string {
	if strings.HasPrefix(t.PkgPath(), Module+"/") {
		return strings.TrimPrefix(typeToken(t), Name+":index:")
	}
	return t.String()
}

func isKind[T any](v any) bool { _, ok := v.(T); return ok }

func isInteger(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
}
