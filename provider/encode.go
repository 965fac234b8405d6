package provider

import (
	"encoding/json"
	"reflect"
	"strings"
)

// PlainValue is v as a program in another language sends it to the
// plugin: ordinal structs as maps in the schema's names (every field, zero
// or not), Kubernetes types as their own JSON, numbers as float64. A Go
// stack moving to the package passes PlainValue(spec) as the `spec` input,
// and the plugin decodes it back to spec; TestDecodeRoundTrip checks that.
func PlainValue(v any) any {
	return encode(reflect.ValueOf(v))
}

func encode(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	t := v.Type()
	if t.Kind() == reflect.Struct && strings.HasPrefix(t.PkgPath(), Module+"/") {
		out := map[string]any{}
		for _, f := range reflect.VisibleFields(t) {
			if f.IsExported() && !f.Anonymous {
				out[PropertyName(f.Name)] = encode(v.FieldByIndex(f.Index))
			}
		}
		return out
	}
	switch t.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = encode(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[k.String()] = encode(v.MapIndex(k))
		}
		return out
	}
	raw, err := json.Marshal(v.Interface())
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}
