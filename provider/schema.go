package provider

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// The package: its name is the first part of every type token.
const (
	Name    = "ordinal"
	Version = "0.1.0"
	// KubernetesVersion is the kubernetes package whose types the schema
	// refers to: the pulumi-kubernetes SDK the components register with.
	KubernetesVersion = "4.25.0"
)

// property is one input or output of a component. field is the Go field
// of the component's Args (inputs) or resource struct (outputs) whose doc
// comment describes it; doc replaces that comment where the provider adds
// something Go does not have.
type property struct {
	name, field, doc string
	spec             Object
	goType           reflect.Type // a plain object: its type's spec
	plain, secret    bool
}

// component is one resource of the schema.
type component struct {
	token           string
	args, res       reflect.Type
	inputs, outputs []property
}

func str() Object                 { return Object{"type": "string"} }
func strList() Object             { return Object{"type": "array", "items": str()} }
func strMap() Object              { return Object{"type": "object", "additionalProperties": str()} }
func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// components are the schema's resources, in the order of the README.
func componentList() []component {
	return []component{{
		token: components.DatabaseClusterType,
		args:  typeOf[components.DatabaseClusterArgs](), res: typeOf[components.DatabaseCluster](),
		inputs: []property{
			{name: "namespace", field: "Namespace", spec: str()},
			{name: "spec", field: "Spec", goType: typeOf[cluster.Spec](), plain: true,
				doc: specDoc},
			{name: "engine", goType: typeOf[Engine](), plain: true, doc: engineDoc},
			{name: "image", field: "Image", spec: str()},
			{name: "images", field: "Images", spec: strMap()},
			{name: "pool", field: "Pool", spec: Object{"$ref": "#/resources/" + components.LocalVolumePoolType}},
			{name: "storageClassName", field: "StorageClassName", spec: str()},
			{name: "secretData", field: "SecretData", spec: strMap(), secret: true},
			{name: "deletion", field: "Deletion", spec: str(), plain: true, doc: deletionDoc},
			{name: "awaitTimeoutSeconds", field: "AwaitTimeoutSeconds", spec: Object{"type": "integer"}, plain: true},
		},
		outputs: []property{
			{name: "namespace", field: "Namespace", spec: str()},
			{name: "statefulSetName", field: "StatefulSetName", spec: str()},
			{name: "serviceName", field: "ServiceName", spec: str()},
			{name: "pdbName", field: "PDBName", spec: str()},
			{name: "initJobName", field: "InitJobName", spec: str()},
			{name: "podFqdns", field: "PodFQDNs", spec: strList()},
			{name: "peerList", field: "PeerList", spec: str()},
			{name: "clientEndpoints", field: "ClientEndpoints", spec: strList()},
			{name: "configChecksum", field: "ConfigChecksum", spec: str()},
		},
	}, {
		token: components.LocalVolumePoolType,
		args:  typeOf[components.LocalVolumePoolArgs](), res: typeOf[components.LocalVolumePool](),
		inputs: []property{
			{name: "spec", field: "Spec", goType: typeOf[localpv.Spec](), plain: true},
			{name: "protection", field: "Protection", spec: str(), plain: true, doc: protectionDoc},
		},
		outputs: []property{
			{name: "storageClassName", field: "StorageClassName", spec: str()},
			{name: "volumeNames", field: "VolumeNames", spec: strList()},
			{name: "totalCapacity", field: "TotalCapacity", spec: str()},
			{name: "nodes", field: "Nodes", spec: strList()},
		},
	}, {
		token: components.HeadlessNetworkType,
		args:  typeOf[components.HeadlessNetworkArgs](), res: typeOf[components.HeadlessNetwork](),
		inputs: []property{
			{name: "namespace", field: "Namespace", spec: str()},
			{name: "spec", field: "Spec", goType: typeOf[network.Spec](), plain: true},
		},
		outputs: []property{
			{name: "namespace", field: "Namespace", spec: str()},
			{name: "serviceName", field: "ServiceName", spec: str()},
			{name: "serviceFqdn", field: "ServiceFQDN", spec: str()},
			{name: "podFqdns", field: "PodFQDNs", spec: strList()},
			{name: "peerList", field: "PeerList", spec: str()},
			{name: "clientEndpoints", field: "ClientEndpoints", spec: strList()},
		},
	}}
}

const (
	specDoc       = "The plain description of the cluster (Go: cluster.Spec). With `engine` set, the fields given here are laid over the profile's spec: objects merge field by field, lists and scalars replace."
	engineDoc     = "An engine profile that fills in the spec (Go: the pkg/engines functions). Set at most one of its fields; `spec` then overrides what the profile chose."
	deletionDoc   = "What happens to the pods when Pulumi deletes the StatefulSet object: \"\" (the default: a replacement keeps the pods, `destroy` deletes them), \"orphan\" (both keep them) or \"background\" (both delete them). Claims and volumes stay either way."
	protectionDoc = "What Pulumi may do to the pool's PersistentVolumes: \"retainOnDelete\" (the default: they stay in the cluster when they leave the stack), \"protect\" (Pulumi refuses to delete them) or \"none\" (Pulumi may delete PVs no claim holds)."
)

// Schema builds the package schema from the Go types and docs (ReadDocs);
// the plugin serves the generated schema.json instead.
func Schema(docs Docs) ([]byte, error) {
	ts := newTypes(docs)
	resources := Object{}
	for _, c := range componentList() {
		in, _, err := c.properties(ts, c.args, c.inputs)
		if err != nil {
			return nil, err
		}
		out, outRequired, err := c.properties(ts, c.res, c.outputs)
		if err != nil {
			return nil, err
		}
		resources[c.token] = Object{
			"isComponent":     true,
			"description":     docs[c.res.PkgPath()+"."+c.res.Name()],
			"inputProperties": in,
			"properties":      out,
			"required":        outRequired,
		}
	}
	pkg := Object{
		"name":        Name,
		"displayName": "ordinal",
		"version":     Version,
		"description": "Typed components for clustered, stateful databases on Kubernetes: DatabaseCluster, LocalVolumePool and HeadlessNetwork.",
		"repository":  "https://github.com/ordinal-dev/ordinal",
		"license":     "Apache-2.0",
		"keywords":    []string{"kubernetes", "statefulset", "database", "category/cloud", "kind/component"},
		"resources":   resources,
		"types":       ts.specs,
		"language": Object{
			"nodejs": Object{
				"packageName":  "@ordinal-dev/ordinal",
				"dependencies": Object{"@pulumi/kubernetes": "^" + KubernetesVersion},
			},
			"python": Object{
				"packageName": "pulumi_ordinal",
				"requires":    Object{"pulumi": ">=3.0.0,<4.0.0", "pulumi-kubernetes": ">=" + KubernetesVersion + ",<5.0.0"},
			},
			"csharp": Object{
				"rootNamespace":     "OrdinalDev",
				"packageReferences": Object{"Pulumi": "3.*", "Pulumi.Kubernetes": "4.*"},
			},
			"go": Object{
				"importBasePath": Module + "/sdk/go/ordinal",
			},
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(pkg)
	return b.Bytes(), err
}

// properties are a component's inputs or outputs in the schema, with the
// names every output has (outputs are always set; "" where the object
// does not exist).
func (c component) properties(ts *types, owner reflect.Type, props []property) (Object, []string, error) {
	out := Object{}
	var names []string
	for _, p := range props {
		s := Object{}
		for k, v := range p.spec {
			s[k] = v
		}
		if p.goType != nil {
			var err error
			if s, err = ts.spec(p.goType); err != nil {
				return nil, nil, err
			}
		}
		if p.plain {
			s["plain"] = true
		}
		if p.secret {
			s["secret"] = true
		}
		d := p.doc
		if d == "" && p.field != "" {
			d = describe(p.field, p.name, ts.docs[owner.PkgPath()+"."+owner.Name()+"."+p.field])
		}
		if d != "" {
			s["description"] = d
		}
		out[p.name] = s
		names = append(names, p.name)
	}
	return out, names, nil
}
