package cluster

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	apipath "k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Objects sets the Kubernetes names (metadata.name) of the cluster's
// child objects and adds labels to each one alone, for users who keep the
// names they already have (moving from YAML: a PodDisruptionBudget called
// "bini-budget", a Job called "cluster-init"). Every field is optional:
// the zero Objects plans exactly the objects of a Spec without it.
//
// Only the Kubernetes names change. The Pulumi names of the children
// ("<cluster>-pdb", "<cluster>-init", ...) and their type tokens stay the
// same, so setting no override changes nothing in an existing stack.
// Setting one on a live cluster is a rename, and Kubernetes cannot rename
// an object: Pulumi replaces that one object, creating the new one before
// it deletes the old one. What that means for each object is said on its
// field. Labels of an object are changed in place.
//
// Two objects are not here. The StatefulSet is named after the cluster:
// its name is the prefix of every pod's name and DNS name, so it cannot be
// overridden (name the component as the StatefulSet should be named). The
// generated Secret gets a Pulumi autoname that changes with its content.
// The Services are named and labelled in spec.network (ServiceName,
// ServiceLabels, Client.Name, Client.Labels).
type Objects struct {
	// PDB is the PodDisruptionBudget; default name: the cluster's name. A
	// rename briefly leaves two budgets over the same pods, which only
	// makes evictions stricter for a moment.
	PDB Object
	// InitJob is the init Job; default name "<cluster>-init". The name
	// must be an RFC 1123 label (at most 63 characters: the Job controller
	// labels the Job's pods with it). A rename replaces the Job, so the
	// bootstrap command runs once more (it must be idempotent, see
	// InitJob). Its labels go on the Job, not on its pod template, whose
	// change would re-run it too.
	InitJob Object
	// ConfigMap is the generated ConfigMap of Config.Data. Its Name is the
	// base of the content-addressed name "<base>-<hash>" (default base
	// "<cluster>-config"): the hash stays, so a data change still rolls the
	// pods. A new base, like new data, is a new ConfigMap and rolls them
	// (and re-runs an init Job that reads it).
	ConfigMap Object
	// NetworkPolicy is the NetworkPolicy of spec.networkPolicy; default
	// name: the cluster's name. A rename creates the new policy before the
	// old one is deleted, so the pods are never unconfined.
	NetworkPolicy Object
	// ServiceAccount, Role and RoleBinding are the objects of spec.access;
	// default names: the cluster's name. The pods (and the init Job) run as
	// the ServiceAccount, so renaming it changes their templates: the pods
	// roll and the init Job runs again. A Role rename also replaces the
	// RoleBinding (its roleRef is immutable).
	ServiceAccount, Role, RoleBinding Object
}

// Object overrides the metadata of one child object.
type Object struct {
	// Name replaces the default metadata.name; empty keeps it.
	Name string
	// Labels are added to this object only, over spec.Labels. They cannot
	// set the labels that select the cluster's pods
	// (app.kubernetes.io/instance and app.kubernetes.io/component).
	Labels map[string]string
}

// name is the object's name: the override, else def.
func (o Object) name(def string) string { return cmp.Or(o.Name, def) }

// set reports whether the object overrides anything.
func (o Object) set() bool { return o.Name != "" || len(o.Labels) > 0 }

// child is the metadata of a child object: p.meta with the override's name
// (def without one) and its labels over l. The selector labels of l always
// win, also in a plan whose spec was not checked.
func (p *Plan) child(o Object, def string, l map[string]string) metav1.ObjectMeta {
	m := p.meta(o.name(def), l)
	if len(o.Labels) > 0 {
		m.Labels = labels.Merge(m.Labels, o.Labels)
		for _, k := range []string{labels.Instance, labels.Component} {
			if v, ok := l[k]; ok {
				m.Labels[k] = v
			}
		}
	}
	return m
}

// initJobName is the init Job's name.
func (p *Plan) initJobName() string { return p.Spec.Objects.InitJob.name(naming.Child(p.Name, "init")) }

// configMapName is the generated ConfigMap's name for the content hash sum.
func (p *Plan) configMapName(sum string) string {
	return p.Spec.Objects.ConfigMap.name(naming.Child(p.Name, "config")) + "-" + naming.Short(sum, ConfigHashLength)
}

// ConfigHashLength is how many hex digits of the content hash end the
// generated ConfigMap's name.
const ConfigHashLength = 10

// serviceAccountName is the name of the ServiceAccount spec.access creates.
func serviceAccountName(name string, spec Spec) string {
	return spec.Objects.ServiceAccount.name(name)
}

// objectName is the kind of name a child object has.
type objectName int

const (
	subdomainName objectName = iota // an RFC 1123 subdomain
	labelName                       // an RFC 1123 label
	rbacName                        // an RBAC name: a path segment
)

// objects checks spec.objects: each override is a valid name for its kind
// and its labels leave the selector alone; an object that is not created
// takes no override.
func (v *validator) objects(p *validation.Path) {
	s, o := &v.spec, v.spec.Objects
	access := "spec.access is not set, so no %s is created; remove this, or set spec.access"
	for _, c := range []struct {
		field  string
		obj    Object
		kind   objectName
		absent string // why the object is not created and the fix; "" when it is
	}{
		{"pdb", o.PDB, subdomainName, when(s.Disruption != nil && s.Disruption.Disabled,
			"spec.disruption.disabled is set, so no PodDisruptionBudget is created; remove this, or enable the budget")},
		{"initJob", o.InitJob, labelName, when(s.Init == nil,
			"spec.init is not set, so no init Job is created; remove this, or set spec.init")},
		{"configMap", o.ConfigMap, subdomainName, when(s.Config == nil || len(s.Config.Data) == 0,
			"spec.config.data is empty, so no ConfigMap is generated; remove this, or add data")},
		{"networkPolicy", o.NetworkPolicy, subdomainName, when(s.NetworkPolicy == nil || !s.NetworkPolicy.Enabled,
			"spec.networkPolicy is not enabled, so no NetworkPolicy is created; remove this, or enable it")},
		{"serviceAccount", o.ServiceAccount, subdomainName, when(s.Access == nil, fmt.Sprintf(access+" (to run the pods as an existing account, set spec.serviceAccountName)", "ServiceAccount"))},
		{"role", o.Role, rbacName, when(s.Access == nil, fmt.Sprintf(access, "Role"))},
		{"roleBinding", o.RoleBinding, rbacName, when(s.Access == nil, fmt.Sprintf(access, "RoleBinding"))},
	} {
		cp := p.Child(c.field)
		if c.absent != "" && c.obj.set() {
			v.Forbidden(cp, c.absent)
			continue
		}
		if c.obj.Name != "" {
			v.objectName(cp.Child("name"), c.obj.Name, c.kind, c.field == "configMap")
		}
		v.childLabels(cp.Child("labels"), c.obj.Labels)
	}
}

// when is msg if cond holds, else "".
func when(cond bool, msg string) string {
	if cond {
		return msg
	}
	return ""
}

// objectName checks the name of a child object of the given kind; a
// ConfigMap's name is a base that gets "-<hash>" appended.
func (v *validator) objectName(p *validation.Path, name string, kind objectName, hashed bool) {
	switch kind {
	case labelName:
		v.DNSLabel(p, name)
	case rbacName:
		if msgs := apipath.IsValidPathSegmentName(name); len(msgs) > 0 {
			v.Invalid(p, name, "must be a Role or RoleBinding name ("+strings.Join(msgs, "; ")+")")
		} else if len(name) > k8svalidation.DNS1123SubdomainMaxLength {
			v.Invalid(p, name, fmt.Sprintf("must be at most %d characters", k8svalidation.DNS1123SubdomainMaxLength))
		}
	default:
		if !v.DNSSubdomain(p, name) {
			return
		}
		if suffix := 1 + ConfigHashLength; hashed && len(name)+suffix > k8svalidation.DNS1123SubdomainMaxLength {
			v.Invalid(p, name, fmt.Sprintf("must be at most %d characters: the ConfigMap is named \"<name>-<%d-character hash of its data>\", at most %d",
				k8svalidation.DNS1123SubdomainMaxLength-suffix, ConfigHashLength, k8svalidation.DNS1123SubdomainMaxLength))
		}
	}
}

// childLabels checks the labels of one child object (or Service): valid,
// and none of the keys that select the cluster's pods.
func (v *validator) childLabels(p *validation.Path, m map[string]string) {
	v.Labels(p, m)
	reserved := labels.Identity{Instance: v.name, Component: "database"}.Selector()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if _, ok := reserved[k]; ok {
			v.Forbidden(p.Key(k), "this label selects the cluster's pods and is set by ordinal; remove it or use another key")
		}
	}
}
