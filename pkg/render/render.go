package render

import (
	"bytes"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// Object is any Kubernetes object of k8s.io/api.
type Object interface {
	metav1.Object
}

// YAML renders objects as one multi-document YAML stream. Status is left
// out: controllers write it, and a zero status in a manifest only misleads.
// So is an unset downward-API divisor, which JSON would write as "0" (the
// API server reads no divisor and "0" alike, as 1); the components leave
// it out too.
func YAML(objs ...Object) ([]byte, error) {
	var buf bytes.Buffer
	for i, o := range objs {
		m, err := withoutStatus(o)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", o.GetName(), err)
		}
		dropUnsetDivisors(m)
		j, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", o.GetName(), err)
		}
		// yaml.Marshal is json.Marshal then JSONToYAML, which reads the
		// JSON as YAML: characters YAML cannot read raw go in escaped.
		b, err := yaml.JSONToYAML(escapeUnreadable(j))
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", o.GetName(), err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// withoutStatus converts o to a map without its status, nor the status of
// its volume claim templates.
func withoutStatus(o Object) (map[string]any, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		return nil, err
	}
	delete(m, "status")
	if spec, ok := m["spec"].(map[string]any); ok {
		templates, _ := spec["volumeClaimTemplates"].([]any)
		for _, t := range templates {
			if tm, ok := t.(map[string]any); ok {
				delete(tm, "status")
			}
		}
	}
	return m, nil
}

// dropUnsetDivisors deletes the divisor "0" of every resourceFieldRef in
// v, an unstructured object: the zero resource.Quantity an unset divisor
// is. Only pod specs hold an object under that key.
func dropUnsetDivisors(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if ref, ok := e.(map[string]any); ok && k == "resourceFieldRef" && ref["divisor"] == "0" {
				delete(ref, "divisor")
			}
			dropUnsetDivisors(e)
		}
	case []any:
		for _, e := range x {
			dropUnsetDivisors(e)
		}
	}
}

// Network lists a network plan's objects in namespace ns.
func Network(p *network.Plan, ns string) []Object {
	out := []Object{p.Service.DeepCopy()}
	if p.ClientService != nil {
		out = append(out, p.ClientService.DeepCopy())
	}
	return inNamespace(ns, out)
}

// Pool lists a pool's objects (cluster-scoped): its StorageClass (none
// with an existing class) and PVs.
func Pool(p *localpv.Plan) []Object {
	var out []Object
	if p.StorageClass != nil {
		out = append(out, p.StorageClass.DeepCopy())
	}
	for _, pv := range p.Volumes {
		out = append(out, pv.DeepCopy())
	}
	return out
}

// Cluster lists a cluster's objects in namespace ns, with deploy-time values
// from d. The generated Secret is rendered without data: its values are
// never part of a plan. Without d.SecretName it keeps the placeholder name
// cluster.GeneratedSecret, which the pod template then refers to as well.
func Cluster(p *cluster.Plan, ns string, d cluster.Deployed) []Object {
	sts, job := p.Resolve(d)
	var out []Object
	if p.ConfigMap != nil {
		out = append(out, p.ConfigMap.DeepCopy())
	}
	if p.Secret != nil {
		s := p.Secret.DeepCopy()
		if d.SecretName != "" {
			s.Name = d.SecretName
		}
		out = append(out, s)
	}
	if r := p.RBAC; r != nil {
		rb := r.RoleBinding.DeepCopy()
		for i := range rb.Subjects {
			rb.Subjects[i].Namespace = ns
		}
		out = append(out, r.ServiceAccount.DeepCopy(), r.Role.DeepCopy(), rb)
	}
	out = append(out, Network(p.Network, ns)...)
	// The membership Job before the StatefulSet, as `up` orders them
	// (kubectl apply does not wait for it).
	if m := p.ResolveMembershipJob(d); m != nil {
		out = append(out, m)
	}
	if p.Spec.Workload.Advanced() {
		out = append(out, p.AdvancedStatefulSet(sts))
	} else {
		out = append(out, sts)
	}
	if p.PDB != nil {
		out = append(out, p.PDB.DeepCopy())
	}
	if p.NetworkPolicy != nil {
		out = append(out, p.NetworkPolicy.DeepCopy())
	}
	if job != nil {
		out = append(out, job)
	}
	return inNamespace(ns, out)
}

func inNamespace(ns string, objs []Object) []Object {
	for _, o := range objs {
		o.SetNamespace(ns)
	}
	return objs
}
