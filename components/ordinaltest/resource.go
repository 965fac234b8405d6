package ordinaltest

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Options are the resource options the engine received for a resource.
// They come from the registration request the mock monitor forwards, so a
// test can check protect, retainOnDelete, replaceOnChanges and explicit
// dependencies without a real engine.
type Options struct {
	// Protect is true for pulumi.Protect(true).
	Protect bool
	// RetainOnDelete is true for pulumi.RetainOnDelete(true).
	RetainOnDelete bool
	// DeleteBeforeReplace is true for pulumi.DeleteBeforeReplace(true).
	DeleteBeforeReplace bool
	// ReplaceOnChanges are the property paths of pulumi.ReplaceOnChanges.
	ReplaceOnChanges []string
	// IgnoreChanges are the property paths of pulumi.IgnoreChanges.
	IgnoreChanges []string
	// Dependencies are the URNs the resource depends on: pulumi.DependsOn,
	// plus the resources its inputs came from. The SDK expands a component
	// to the children it knows of at that moment; children are added
	// asynchronously, so depend on custom resources when it matters.
	Dependencies []string
	// DeletedWith is the URN of pulumi.DeletedWith ("" for none).
	DeletedWith string `json:",omitempty"`
	// AliasCount is the number of aliases (the Kubernetes SDK adds type
	// aliases to many resources on its own).
	AliasCount int
	// AliasNames are the names of the aliases that name an earlier name of
	// the resource (pulumi.Alias{Name: ...}), in order.
	AliasNames []string `json:",omitempty"`
}

// Resource is one resource the program registered.
type Resource struct {
	// Type is the type token, e.g. "kubernetes:apps/v1:StatefulSet".
	Type string
	// Name is the Pulumi (logical) name.
	Name string
	// URN is computed the way the engine computes it.
	URN string
	// Parent is the parent's URN; the stack's URN for top-level resources.
	Parent string
	// Custom is true for provider-managed resources, false for components.
	Custom bool
	// ID is the physical ID the mocks returned ("" for components).
	ID string
	// Inputs are the resource's inputs as the engine received them; secret
	// values are resource.Secret property values.
	Inputs resource.PropertyMap
	// Plain holds Inputs as plain Go values (strings, float64, bool,
	// []any, map[string]any), with secrets unwrapped and unknown values nil.
	Plain map[string]any
	// Outputs are what the mocks returned as the resource's state.
	Outputs resource.PropertyMap
	// Options are the resource options the engine received.
	Options Options
}

// Lookup returns the plain input value at a property path such as
// "spec.template.spec.containers[0].image" or `metadata.annotations["pulumi.com/waitFor"]`.
func (r Resource) Lookup(path string) (any, bool) {
	v, ok := r.input(path)
	if !ok {
		return nil, false
	}
	return plain(v), true
}

// Get returns the plain input value at a property path and fails the test
// when there is none.
func (r Resource) Get(t TB, path string) any {
	t.Helper()
	v, ok := r.Lookup(path)
	if !ok {
		t.Fatalf("%s %q has no input %s", r.Type, r.Name, path)
	}
	return v
}

// Has reports whether the inputs hold a value at path.
func (r Resource) Has(path string) bool {
	_, ok := r.input(path)
	return ok
}

// IsSecret reports whether the input at path is a secret, or sits inside one.
func (r Resource) IsSecret(path string) bool {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return false
	}
	v := resource.NewProperty(r.Inputs)
	for _, key := range p {
		if isSecret(v) {
			return true
		}
		v = unwrap(v)
		next, ok := resource.PropertyPath{key}.Get(v)
		if !ok {
			return false
		}
		v = next
	}
	return isSecret(v)
}

func (r Resource) input(path string) (resource.PropertyValue, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return resource.PropertyValue{}, false
	}
	v := resource.NewProperty(r.Inputs)
	for _, key := range p {
		next, ok := resource.PropertyPath{key}.Get(unwrap(v))
		if !ok {
			return resource.PropertyValue{}, false
		}
		v = next
	}
	return v, true
}

// String is "<type>::<name>".
func (r Resource) String() string { return r.Type + "::" + r.Name }

func plainString(v resource.PropertyValue) string {
	s, _ := plain(v).(string)
	return s
}

func options(req *pulumirpc.RegisterResourceRequest) Options {
	return Options{
		Protect:             req.GetProtect(),
		RetainOnDelete:      req.GetRetainOnDelete(),
		DeleteBeforeReplace: req.GetDeleteBeforeReplace(),
		ReplaceOnChanges:    append([]string(nil), req.GetReplaceOnChanges()...),
		IgnoreChanges:       append([]string(nil), req.GetIgnoreChanges()...),
		Dependencies:        append([]string(nil), req.GetDependencies()...),
		DeletedWith:         req.GetDeletedWith(),
		AliasCount:          len(req.GetAliases()),
		AliasNames:          aliasNames(req.GetAliases()),
	}
}

func aliasNames(aliases []*pulumirpc.Alias) []string {
	var out []string
	for _, a := range aliases {
		if n := a.GetSpec().GetName(); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func isSecret(v resource.PropertyValue) bool {
	return v.IsSecret() || (v.IsOutput() && v.OutputValue().Secret)
}

// unwrap strips secret and output wrappers.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// plain converts a property value to plain Go values.
func plain(v resource.PropertyValue) any {
	return unwrap(v).MapRepl(nil, func(pv resource.PropertyValue) (any, bool) {
		switch {
		case pv.IsComputed(), pv.IsOutput() && !pv.OutputValue().Known:
			return nil, true
		case pv.IsSecret(), pv.IsOutput():
			return plain(pv), true
		case pv.IsResourceReference():
			return string(pv.ResourceReferenceValue().URN), true
		}
		return nil, false
	})
}
