package provider

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// Object is one JSON object of the schema.
type Object = map[string]any

// typeNames renames the Go types whose own names would be ambiguous in
// other languages (three packages call theirs Spec); every other struct is
// named after its Go type. Type tokens are public API: keep them.
var typeNames = map[reflect.Type]string{
	reflect.TypeFor[cluster.Spec]():    "ClusterSpec",
	reflect.TypeFor[cluster.Network](): "ClusterNetwork",
	reflect.TypeFor[cluster.Object]():  "ObjectSettings",
	reflect.TypeFor[cluster.Objects](): "ObjectNames",
	reflect.TypeFor[network.Spec]():    "NetworkSpec",
	reflect.TypeFor[localpv.Spec]():    "LocalVolumePoolSpec",
	reflect.TypeFor[localpv.Volume]():  "LocalVolume",
}

// kubernetesRef is the prefix of references into the kubernetes package's
// schema, at the version the components register with.
const kubernetesRef = "/kubernetes/v" + KubernetesVersion + "/schema.json#/types/kubernetes:"

// kubernetesGroups maps k8s.io/api packages to the kubernetes package's
// modules.
var kubernetesGroups = map[string]string{
	"k8s.io/api/core/v1":                   "core/v1",
	"k8s.io/api/apps/v1":                   "apps/v1",
	"k8s.io/api/batch/v1":                  "batch/v1",
	"k8s.io/api/policy/v1":                 "policy/v1",
	"k8s.io/api/networking/v1":             "networking.k8s.io/v1",
	"k8s.io/api/rbac/v1":                   "rbac.authorization.k8s.io/v1",
	"k8s.io/apimachinery/pkg/apis/meta/v1": "meta/v1",
}

// types builds the schema's object types from Go types.
type types struct {
	docs   Docs
	specs  map[string]Object       // token -> object type
	tokens map[string]reflect.Type // token -> the Go type that owns it
}

func newTypes(docs Docs) *types {
	return &types{docs: docs, specs: map[string]Object{}, tokens: map[string]reflect.Type{}}
}

// typeToken is the schema token of an ordinal struct type.
func typeToken(t reflect.Type) string {
	if n, ok := typeNames[t]; ok {
		return Name + ":index:" + n
	}
	return Name + ":index:" + t.Name()
}

// spec is the type spec of t in a plain position: every value under it
// must be known when the program runs.
func (ts *types) spec(t reflect.Type) (Object, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[intstr.IntOrString]():
		return Object{"oneOf": []any{Object{"type": "integer"}, Object{"type": "string"}}}, nil
	case reflect.TypeFor[resource.Quantity]():
		return Object{"type": "string"}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return Object{"type": "string"}, nil
	case reflect.Bool:
		return Object{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Object{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return Object{"type": "number"}, nil
	case reflect.Interface:
		return Object{"$ref": "pulumi.json#/Any"}, nil
	case reflect.Slice:
		items, err := ts.spec(t.Elem())
		if err != nil {
			return nil, err
		}
		items["plain"] = true
		return Object{"type": "array", "items": items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%s: map keys must be strings", t)
		}
		values, err := ts.spec(t.Elem())
		if err != nil {
			return nil, err
		}
		values["plain"] = true
		return Object{"type": "object", "additionalProperties": values}, nil
	case reflect.Struct:
		if group, ok := kubernetesGroups[t.PkgPath()]; ok {
			return Object{"$ref": kubernetesRef + group + ":" + t.Name()}, nil
		}
		if !strings.HasPrefix(t.PkgPath(), Module+"/") {
			return nil, fmt.Errorf("%s.%s: no schema type for this package", t.PkgPath(), t.Name())
		}
		tok, err := ts.object(t)
		if err != nil {
			return nil, err
		}
		return Object{"$ref": "#/types/" + tok}, nil
	}
	return nil, fmt.Errorf("%s: no schema type for kind %s", t, t.Kind())
}

// object registers the object type of the ordinal struct t (once) and
// returns its token.
func (ts *types) object(t reflect.Type) (string, error) {
	tok := typeToken(t)
	if owner, ok := ts.tokens[tok]; ok {
		if owner != t {
			return "", fmt.Errorf("%s and %s would both be %s: add one to typeNames", owner, t, tok)
		}
		return tok, nil
	}
	ts.tokens[tok] = t
	obj := Object{"type": "object"}
	ts.specs[tok] = obj // before the fields, for recursive types
	props, err := ts.properties(t)
	if err != nil {
		return "", err
	}
	obj["properties"] = props
	if d := ts.docs[t.PkgPath()+"."+t.Name()]; d != "" {
		obj["description"] = d
	}
	return tok, nil
}

// properties are the schema properties of struct t: one per exported
// field, named in lowerCamelCase, the fields of embedded structs inlined
// (as encoding/json does).
func (ts *types) properties(t reflect.Type) (Object, error) {
	props := Object{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		p, err := ts.spec(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		p["plain"] = true
		owner := ownerOf(t, f)
		if d := ts.docs[owner.PkgPath()+"."+owner.Name()+"."+f.Name]; d != "" {
			p["description"] = describe(f.Name, PropertyName(f.Name), d)
		}
		name := PropertyName(f.Name)
		if _, dup := props[name]; dup {
			return nil, fmt.Errorf("%s: two fields are both %q", t, name)
		}
		props[name] = p
	}
	return props, nil
}

// ownerOf is the struct that declares field f of t.
func ownerOf(t reflect.Type, f reflect.StructField) reflect.Type {
	for _, i := range f.Index[:len(f.Index)-1] {
		t = t.Field(i).Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return t
}

// PropertyName is the schema name of a Go field: lowerCamelCase, an
// initialism at the start lowered as a whole ("PDBName" is "pdbName",
// "TLS" is "tls").
func PropertyName(field string) string {
	r := []rune(field)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	switch {
	case n == len(r):
		return strings.ToLower(field)
	case n > 1:
		n-- // the last capital starts the next word
	}
	for i := 0; i < n; i++ {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// describe is a field's doc comment for the schema: a comment that opens
// with the Go field's name alone ("Replicas is ...", not "Nodes and Path
// are ...") opens with the property's name instead.
func describe(field, name, doc string) string {
	if rest, ok := strings.CutPrefix(doc, field+" "); ok && !strings.HasPrefix(rest, "and ") {
		return "`" + name + "` " + rest
	}
	return doc
}
