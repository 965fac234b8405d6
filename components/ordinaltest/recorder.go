package ordinaltest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TB is the part of testing.TB the kit uses to fail a test; *testing.T and
// *testing.B satisfy it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Recorder is a pulumi.MockResourceMonitor that records every resource and
// invoke. Give it to pulumi.WithMocks yourself, or use Run and RunErr.
//
// For Kubernetes resources (type tokens "kubernetes:<group>/<version>:<Kind>")
// it answers like the real provider: the outputs echo the inputs,
// metadata.name is filled in for autonamed objects (see AutoName),
// metadata.namespace is "default" for namespaced objects that set none,
// the ID is "<namespace>/<name>" (just the name for cluster-scoped kinds),
// and metadata.uid is UID(ID).
// Other resources echo their inputs.
type Recorder struct {
	// OutputsFor, when set, may replace the outputs of a resource (for
	// example to simulate status fields); it receives the resource with its
	// default outputs filled in, and returns nil to keep them.
	OutputsFor func(r Resource) resource.PropertyMap
	// CallResult, when set, answers invokes; by default an invoke returns
	// an empty result.
	CallResult func(args pulumi.MockCallArgs) (resource.PropertyMap, error)

	mu        sync.Mutex
	resources []Resource
	calls     []pulumi.MockCallArgs
}

var _ pulumi.MockResourceMonitor = (*Recorder)(nil)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{} }

// NewResource records a resource registration and returns its ID and outputs.
func (rec *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{
		Type:    args.TypeToken,
		Name:    args.Name,
		Custom:  args.Custom,
		Inputs:  args.Inputs.Copy(),
		Outputs: args.Inputs.Copy(),
	}
	if req := args.RegisterRPC; req != nil {
		r.Parent = req.GetParent()
		r.Options = options(req)
	} else if req := args.ReadRPC; req != nil {
		r.Parent = req.GetParent()
	}
	r.URN = urn(r.Parent, r.Type, r.Name)
	r.Plain = plain(resource.NewProperty(r.Inputs)).(map[string]any)
	// The SDK's mocks mark a read (Get<Kind>) as not custom; it is.
	if args.ReadRPC != nil {
		r.Custom = true
	}
	if r.Custom {
		r.ID = args.Name + "-id"
		if args.ID != "" {
			r.ID = args.ID
		}
		if kind, ok := kubernetesKind(r.Type); ok {
			if args.ReadRPC != nil && args.ID != "" {
				// A read (Get<Kind>) names the object by its ID,
				// "<namespace>/<name>" or "<name>": the provider returns
				// that object, with no other field the test did not give.
				readMeta(r, args.ID)
			}
			r.ID = kubernetesObject(r, kind)
		}
	}
	if rec.OutputsFor != nil {
		if out := rec.OutputsFor(r); out != nil {
			r.Outputs = out
		}
	}
	rec.mu.Lock()
	rec.resources = append(rec.resources, r)
	rec.mu.Unlock()
	return r.ID, r.Outputs, nil
}

// Call records an invoke and answers it with CallResult (an empty result
// by default).
func (rec *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	rec.mu.Lock()
	rec.calls = append(rec.calls, args)
	rec.mu.Unlock()
	if rec.CallResult != nil {
		return rec.CallResult(args)
	}
	return resource.PropertyMap{}, nil
}

// Calls returns the invokes the program made, in the order they arrived.
func (rec *Recorder) Calls() []pulumi.MockCallArgs {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]pulumi.MockCallArgs(nil), rec.calls...)
}

// Resources returns every recorded resource, sorted by type and name
// (registration order is not deterministic: the SDK registers resources
// concurrently once their inputs resolve).
func (rec *Recorder) Resources() []Resource {
	rec.mu.Lock()
	out := append([]Resource(nil), rec.resources...)
	rec.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].URN < out[j].URN
	})
	return out
}

// Count is the number of recorded resources (components included).
func (rec *Recorder) Count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.resources)
}

// Names returns the sorted names of the recorded resources, of the given
// types only when types are given.
func (rec *Recorder) Names(types ...string) []string {
	var out []string
	for _, r := range rec.Resources() {
		if len(types) == 0 || slices.Contains(types, r.Type) {
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Keys returns "<type>::<name>" of every recorded resource, sorted.
func (rec *Recorder) Keys() []string {
	var out []string
	for _, r := range rec.Resources() {
		out = append(out, r.String())
	}
	sort.Strings(out)
	return out
}

// ByType returns the resources of one type token, sorted by name.
func (rec *Recorder) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range rec.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Lookup returns the resource with a type token and name. It reports false
// when there is none, or more than one (same name under different parents).
func (rec *Recorder) Lookup(typ, name string) (Resource, bool) {
	var found []Resource
	for _, r := range rec.ByType(typ) {
		if r.Name == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		return Resource{}, false
	}
	return found[0], true
}

// Find returns the resource with a type token and name, and fails the test
// (listing what was registered) when there is not exactly one.
func (rec *Recorder) Find(t TB, typ, name string) Resource {
	t.Helper()
	r, ok := rec.Lookup(typ, name)
	if !ok {
		t.Fatalf("want exactly one %s named %q; registered:\n  %s", typ, name, strings.Join(rec.Keys(), "\n  "))
	}
	return r
}

// FindPrefix returns the one resource with a type token whose name starts
// with prefix, and fails the test (listing what was registered) when there
// is not exactly one: for names that end with a hash, such as a
// DatabaseCluster's ConfigMap ("<name>-config-<content hash>").
func (rec *Recorder) FindPrefix(t TB, typ, prefix string) Resource {
	t.Helper()
	var found []Resource
	for _, r := range rec.ByType(typ) {
		if strings.HasPrefix(r.Name, prefix) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s named %q...; registered:\n  %s", typ, prefix, strings.Join(rec.Keys(), "\n  "))
	}
	return found[0]
}

// ByURN returns the resource with a URN.
func (rec *Recorder) ByURN(urn string) (Resource, bool) {
	for _, r := range rec.Resources() {
		if r.URN == urn {
			return r, true
		}
	}
	return Resource{}, false
}

// ParentOf returns the parent of r; false for top-level resources, whose
// parent is the stack.
func (rec *Recorder) ParentOf(r Resource) (Resource, bool) {
	return rec.ByURN(r.Parent)
}

// Children returns the resources whose parent is r, sorted by type and name.
func (rec *Recorder) Children(r Resource) []Resource {
	var out []Resource
	for _, c := range rec.Resources() {
		if c.Parent == r.URN {
			out = append(out, c)
		}
	}
	return out
}

// AutoName is the physical name the mocks give an object whose
// metadata.name is left to Pulumi: the logical name plus "-" and 8
// characters derived from it. The real provider appends 8 random
// characters; the mocks are deterministic so tests can predict the name.
func AutoName(name string) string {
	sum := sha256.Sum256([]byte(name))
	return name + "-" + hex.EncodeToString(sum[:])[:8]
}

// clusterScoped lists the built-in Kubernetes kinds that have no namespace.
var clusterScoped = map[string]bool{
	"APIService": true, "CertificateSigningRequest": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "ClusterTrustBundle": true, "CSIDriver": true,
	"CSINode": true, "CustomResourceDefinition": true, "DeviceClass": true,
	"FlowSchema": true, "IngressClass": true, "IPAddress": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true,
	"MutatingWebhookConfiguration": true, "Namespace": true, "Node": true,
	"PersistentVolume": true, "PriorityClass": true,
	"PriorityLevelConfiguration": true, "ResourceSlice": true,
	"RuntimeClass": true, "ServiceCIDR": true, "StorageClass": true,
	"StorageVersionMigration": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true,
	"ValidatingWebhookConfiguration":   true, "VolumeAttachment": true,
	"VolumeAttributesClass": true,
}

// kubernetesKind returns the kind of a "kubernetes:<group>/<version>:<Kind>"
// token of an ordinal Kubernetes object (not a Helm release or a list).
func kubernetesKind(typ string) (string, bool) {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 || parts[0] != "kubernetes" || !strings.Contains(parts[1], "/") ||
		strings.HasPrefix(parts[1], "helm.sh/") || strings.HasSuffix(parts[2], "List") || strings.HasSuffix(parts[2], "Patch") {
		return "", false
	}
	return parts[2], true
}

// kubernetesObject fills metadata.name and metadata.namespace into r's
// outputs like the provider does, and returns the object's ID.
func kubernetesObject(r Resource, kind string) string {
	meta := resource.PropertyMap{}
	if m, ok := r.Outputs["metadata"]; ok && m.IsObject() {
		meta = m.ObjectValue().Copy()
	}
	name := plainString(meta["name"])
	if name == "" {
		name = AutoName(r.Name)
		meta["name"] = resource.NewProperty(name)
	}
	id := name
	if !clusterScoped[kind] {
		ns := plainString(meta["namespace"])
		if ns == "" {
			ns = "default"
			meta["namespace"] = resource.NewProperty(ns)
		}
		id = ns + "/" + name
	}
	meta["uid"] = resource.NewProperty(UID(id))
	r.Outputs["metadata"] = resource.NewProperty(meta)
	return id
}

// readMeta puts the name and namespace of the object a read names by id
// into r's outputs.
func readMeta(r Resource, id string) {
	meta := resource.PropertyMap{}
	ns, name, namespaced := strings.Cut(id, "/")
	if !namespaced {
		name = ns
	} else {
		meta["namespace"] = resource.NewProperty(ns)
	}
	meta["name"] = resource.NewProperty(name)
	r.Outputs["metadata"] = resource.NewProperty(meta)
}

// UID is the metadata.uid the Recorder gives the Kubernetes object whose
// ID is id: a UUID made of the ID's SHA-256, the same in every run.
func UID(id string) string {
	h := sha256.Sum256([]byte(id))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// urn computes a resource's URN from its parent's, as the engine does.
func urn(parent, typ, name string) string {
	p := resource.URN(parent)
	if !p.IsValid() {
		return ""
	}
	parentType := tokens.Type("")
	if p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(p.Stack(), p.Project(), parentType, tokens.Type(typ), name))
}
