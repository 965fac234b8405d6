package cluster

import (
	"fmt"
	"maps"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// MaxNameLength is the longest cluster name: the StatefulSet controller
// labels each pod with "<name>-<10-character hash>", which must fit in 63.
const MaxNameLength = 52

// Options carries what the component knows besides the Spec.
type Options struct {
	// DeployTimeImages names the containers (or InitContainerName) whose
	// image is supplied when Pulumi runs; their Image may be empty.
	DeployTimeImages []string
	// StorageClassName is the class for claims that set none. Empty with
	// DeployTimeStorageClass false means the cluster's default class.
	StorageClassName string
	// DeployTimeStorageClass is true when the class is supplied when Pulumi runs.
	DeployTimeStorageClass bool
	// Pool is the LocalVolumePool the claims bind to, for capacity and
	// anti-affinity checks; its class is used when StorageClassName is empty
	// and no class is supplied at deploy time (see ClaimClass).
	Pool *localpv.Plan
	// SecretKeys are the keys of the Secret the component generates from
	// secret data; the values never reach the plan.
	SecretKeys []string
}

// Plan holds the objects of a DatabaseCluster. Objects that hold values
// supplied at deploy time (images, storage class, the generated Secret's
// name) are templates: call Resolve to fill them in.
type Plan struct {
	Name     string
	Spec     Spec
	Options  Options
	Identity labels.Identity
	Network  *network.Plan
	// StatefulSet and InitJob are templates; see Resolve.
	StatefulSet *appsv1.StatefulSet
	InitJob     *batchv1.Job
	// MembershipJob is nil without spec.Membership; a template too.
	MembershipJob *batchv1.Job
	PDB           *policyv1.PodDisruptionBudget
	// NetworkPolicy is nil unless spec.NetworkPolicy is enabled.
	NetworkPolicy *networkingv1.NetworkPolicy
	// RBAC is nil unless spec.Access is set.
	RBAC *RBAC
	// ConfigMap holds Config.Data under a content-addressed name.
	ConfigMap *corev1.ConfigMap
	// Secret is the generated Secret's metadata (no data); its name is
	// chosen at deploy time.
	Secret *corev1.Secret
	// ConfigChecksum is the SHA-256 of Config.Data ("" without data).
	ConfigChecksum string
}

// New validates spec and plans every object. name is the component's name,
// which is also the StatefulSet's name.
func New(name string, spec Spec, opts Options) (*Plan, error) {
	l := validation.New(Kind, name)
	return Make(l, name, spec, opts), l.Err()
}

// Make applies the defaults to spec, records every problem of name, spec
// and opts in l, and plans every object when l holds no problem at all
// (nil otherwise): a component records its own checks in the same list.
func Make(l *validation.List, name string, spec Spec, opts Options) *Plan {
	check := func(l *validation.List, name string, spec Spec) { validate(l, name, spec, opts) }
	plan := func(name string, spec Spec) *Plan { return build(name, spec, opts) }
	return validation.Plan(l, name, spec, Defaults, check, plan)
}

// Unchecked applies the defaults to spec and plans every object without
// checking anything, to show what the API server says about a spec the
// checks refuse. A claim size that does not parse counts as zero.
func Unchecked(name string, spec Spec, opts Options) *Plan {
	return build(name, Defaults(name, spec), opts)
}

// build plans the objects of a checked spec (defaults applied).
func build(name string, spec Spec, opts Options) *Plan {
	p := &Plan{Name: name, Spec: spec, Options: opts}
	p.Identity = labels.Identity{Name: spec.AppName, Instance: name, Component: "database", PartOf: spec.PartOf, Version: spec.Version}
	objLabels := p.Identity.Labels(spec.Labels)
	p.Network = p.network(objLabels)
	p.ConfigMap, p.ConfigChecksum = p.configMap(objLabels)
	p.Secret = p.secret(objLabels)
	p.StatefulSet = p.statefulSet(objLabels)
	p.PDB = p.pdb(objLabels)
	p.InitJob = p.initJob()
	p.MembershipJob = p.membershipJob()
	p.NetworkPolicy = p.networkPolicy(objLabels)
	p.RBAC = p.rbac(objLabels)
	return p
}

// meta is the metadata of an object of the cluster: its name, the given
// labels and the spec's annotations, in maps of its own.
func (p *Plan) meta(name string, l map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: maps.Clone(l), Annotations: labels.Merge(nil, p.Spec.Annotations)}
}

// PodHosts are the pods' names qualified by the governing Service.
func (p *Plan) PodHosts() []string { return p.Network.PodHosts() }

// String describes the plan briefly, for logs.
func (p *Plan) String() string {
	return fmt.Sprintf("%s %q: %d replicas, %d claims", Kind, p.Name, p.Spec.Replicas, len(p.Spec.Claims))
}

// validator walks one Spec (defaults applied); each feature's file adds
// the checks of its part.
type validator struct {
	*validation.List
	name string
	spec Spec
	opts Options
	// containers maps every main container name to its index.
	containers map[string]int
	// ports maps the cluster's port names to numbers.
	ports map[string]int32
}

// validate records every problem of name, spec (defaults applied) and opts.
func validate(l *validation.List, name string, spec Spec, opts Options) {
	v := &validator{List: l, name: name, spec: spec, opts: opts, containers: map[string]int{}, ports: map[string]int32{}}
	root := validation.NewPath("spec")
	switch np := validation.NewPath("name"); {
	case !v.DNSLabel(np, name):
	case len(name) > MaxNameLength:
		v.Invalid(np, name, fmt.Sprintf("must be at most %d characters (the StatefulSet controller appends a revision hash to it in a 63-character label); use a shorter name", MaxNameLength))
	case spec.Network.ServiceName == name && len(validation.IsDNS1035Label(name)) > 0:
		v.Invalid(np, name, "must start with a letter: it also names the governing Service, which must be a DNS-1035 label; rename the cluster or set spec.network.serviceName")
	}
	for _, p := range spec.Ports {
		v.ports[p.Name] = p.Port
	}
	v.workload(root)
	network.ValidatePorts(l, root.Child("ports"), spec.Ports)
	v.network(root.Child("network"))
	v.podContainers(root)
	v.claims(root.Child("claims"))
	v.volumes(root.Child("volumes"))
	v.config(root.Child("config"))
	v.disruption(root.Child("disruption"))
	v.scheduling(root.Child("scheduling"))
	v.security(root.Child("security"))
	v.metadata(root)
	if spec.Init != nil {
		v.initJob(root.Child("init"), *spec.Init, `give the bootstrap command, e.g. ["cockroach", "init", "--host=db-0.db"]`)
	}
	if spec.Membership != nil {
		v.membershipJob(root.Child("membership"))
	}
	v.networkPolicy(root.Child("networkPolicy"))
	v.access(root.Child("access"))
	v.objects(root.Child("objects"))
	v.deployTimeImages()
}

// metadata checks the labels and annotations every object carries.
func (v *validator) metadata(root *validation.Path) {
	s := &v.spec
	for _, f := range []struct{ name, key, val string }{{"appName", labels.Name, s.AppName}, {"version", labels.Version, s.Version}, {"partOf", labels.PartOf, s.PartOf}} {
		if f.val == v.name {
			continue // an app name defaulted from the cluster's name was checked as "name"
		}
		for _, msg := range validation.IsValidLabelValue(f.val) {
			v.Invalid(root.Child(f.name), f.val, "becomes the label "+f.key+" and must be a label value ("+msg+")")
		}
	}
	for _, f := range []struct {
		name string
		m    map[string]string
	}{{"labels", s.Labels}, {"podLabels", s.PodLabels}} {
		v.Labels(root.Child(f.name), f.m)
		if len(f.m) == 0 {
			continue
		}
		reserved := labels.Identity{Instance: v.name, Component: "database"}.Selector()
		for _, k := range slices.Sorted(maps.Keys(f.m)) {
			if _, ok := reserved[k]; ok {
				v.Forbidden(root.Child(f.name).Key(k), "this label selects the cluster's pods and is set by ordinal; remove it")
			}
		}
	}
	v.Annotations(root.Child("annotations"), s.Annotations)
	v.Annotations(root.Child("podAnnotations"), s.PodAnnotations)
	v.annotationSizes(root)
}
