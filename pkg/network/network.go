package network

import (
	"fmt"
	"maps"
	"math"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Kind is the component kind used in error messages.
const Kind = "HeadlessNetwork"

// Spec is the plain description of a HeadlessNetwork.
type Spec struct {
	// ServiceName is the governing Service's name; defaults to the
	// component's name.
	ServiceName string
	// StatefulSetName is the name of the StatefulSet whose pods get DNS
	// names; defaults to the component's name.
	StatefulSetName string
	// Replicas and OrdinalStart decide the list of pod DNS names.
	Replicas     int32
	OrdinalStart int32
	// ReserveOrdinals are ordinals without a pod (an Advanced
	// StatefulSet's reserveOrdinals): the pods are the first Replicas
	// ordinals from OrdinalStart that are not reserved, and only they get
	// DNS names.
	ReserveOrdinals []int32
	// Selector selects the pods; defaults to the recommended selector
	// labels of the component's instance.
	Selector map[string]string
	// Ports are published on the governing Service (all) and on the client
	// Service (those marked Client, unless Client.Ports says otherwise).
	Ports []Port
	// ClusterDomain defaults to "cluster.local".
	ClusterDomain string
	// Client adds a second Service for applications; nil for none.
	Client *ClientService
	// Labels and Annotations are added to every Service.
	Labels, Annotations map[string]string
	// ServiceLabels are added to the governing Service only, over Labels
	// (e.g. "app": "zk-headless"); they cannot set the selector's keys.
	// Changing them updates the Service in place.
	ServiceLabels map[string]string
}

// Plan is the result of planning: the objects to create and the names to publish.
type Plan struct {
	Name string
	Spec Spec // defaults applied
	// Service is the governing headless Service.
	Service *corev1.Service
	// ClientService is the client Service; nil without one.
	ClientService *corev1.Service
	ClientPorts   []Port
}

// Defaults returns a copy of spec with defaults applied.
func Defaults(name string, spec Spec) Spec {
	if spec.ServiceName == "" {
		spec.ServiceName = name
	}
	if spec.StatefulSetName == "" {
		spec.StatefulSetName = name
	}
	if spec.ClusterDomain == "" {
		spec.ClusterDomain = naming.DefaultClusterDomain
	}
	if spec.Selector == nil {
		spec.Selector = labels.Identity{Instance: spec.StatefulSetName, Component: "database"}.Selector()
	}
	spec.Ports = DefaultPorts(spec.Ports)
	if spec.Client != nil {
		c := *spec.Client
		if c.Name == "" {
			c.Name = spec.ServiceName + "-public"
		}
		if c.Type == "" {
			c.Type = corev1.ServiceTypeClusterIP
		}
		spec.Client = &c
	}
	return spec
}

// New validates spec and plans the Services. name is the component's name.
func New(name string, spec Spec) (*Plan, error) {
	l := validation.New(Kind, name)
	return Make(l, name, spec), l.Err()
}

// Make applies the defaults to spec, records its problems in l, and plans
// the Services when l holds no problem at all (nil otherwise): a component
// records its own checks in the same list.
func Make(l *validation.List, name string, spec Spec) *Plan {
	return validation.Plan(l, name, spec, Defaults, validate, build)
}

// validate records every problem of spec (defaults applied). name needs no
// check of its own: it is the default of the names checked here.
func validate(l *validation.List, name string, spec Spec) {
	root := validation.NewPath("spec")
	l.ServiceName(root.Child("serviceName"), spec.ServiceName)
	if l.DNSLabel(root.Child("statefulSetName"), spec.StatefulSetName) {
		podHostnames(l, root, name, spec)
	}
	ValidateOrdinals(l, root, spec.Replicas, spec.OrdinalStart)
	ValidateReserveOrdinals(l, root.Child("reserveOrdinals"), spec.Replicas, spec.OrdinalStart, spec.ReserveOrdinals)
	for _, msg := range validation.IsDNS1123Subdomain(spec.ClusterDomain) {
		l.Invalid(root.Child("clusterDomain"), spec.ClusterDomain, "must be a DNS domain such as \"cluster.local\" ("+msg+")")
	}
	if len(spec.Selector) == 0 {
		l.Required(root.Child("selector"), "set the labels of the pods this network serves")
	}
	l.Labels(root.Child("selector"), spec.Selector)
	l.Labels(root.Child("labels"), spec.Labels)
	ValidateServiceLabels(l, root.Child("serviceLabels"), spec.ServiceLabels, spec.Selector)
	l.Annotations(root.Child("annotations"), spec.Annotations)
	l.AnnotationsSize(root.Child("annotations"), "every Service", spec.Annotations)
	ValidatePorts(l, root.Child("ports"), spec.Ports)
	if spec.Client != nil {
		ValidateClient(l, root.Child("client"), spec)
	}
}

// podHostnames checks that the pods' names, "<statefulSetName>-<ordinal>",
// are DNS labels up to the last ordinal: each is its pod's hostname.
func podHostnames(l *validation.List, root *validation.Path, name string, spec Spec) {
	last := int64(spec.OrdinalStart) + int64(spec.Replicas) + int64(len(spec.ReserveOrdinals)) - 1
	if spec.Replicas < 1 || spec.Replicas > MaxReplicas || spec.OrdinalStart < 0 || last > math.MaxInt32 {
		return // ValidateOrdinals reports these
	}
	host := fmt.Sprintf("%s-%d", spec.StatefulSetName, last)
	if len(host) <= k8svalidation.DNS1123LabelMaxLength {
		return
	}
	p := root.Child("statefulSetName")
	if spec.StatefulSetName == name {
		p = validation.NewPath("name") // defaulted from the component's name
	}
	l.Invalid(p, spec.StatefulSetName, fmt.Sprintf(
		"the pods are named \"<statefulSetName>-<ordinal>\", which is their hostname and must be a DNS label of at most %d characters, but the last pod, %q, has %d; use a name of at most %d characters",
		k8svalidation.DNS1123LabelMaxLength, host, len(host), k8svalidation.DNS1123LabelMaxLength-(len(host)-len(spec.StatefulSetName))))
}

// MaxReplicas is the largest replica count: Kubernetes' documented limit
// of 150,000 pods per cluster. The components compute one DNS name per pod.
const MaxReplicas = 150000

// ValidateOrdinals checks replicas (1..MaxReplicas) and the ordinal start,
// whose last ordinal must fit in an int32.
func ValidateOrdinals(l *validation.List, root *validation.Path, replicas, start int32) {
	switch {
	case replicas < 1:
		l.Invalid(root.Child("replicas"), replicas, "must be >= 1")
	case replicas > MaxReplicas:
		l.Invalid(root.Child("replicas"), replicas, fmt.Sprintf("must be at most %d (the Kubernetes limit of pods per cluster)", MaxReplicas))
	}
	switch {
	case start < 0:
		l.Invalid(root.Child("ordinalStart"), start, "must be >= 0")
	case replicas >= 1 && int64(start)+int64(replicas)-1 > math.MaxInt32:
		l.Invalid(root.Child("ordinalStart"), start, fmt.Sprintf("the last ordinal must be at most %d; lower ordinalStart", math.MaxInt32))
	}
}

// ValidateReserveOrdinals checks reserved ordinals: each in [start,
// start+replicas+len(reserved)), the span the pods and the reserved
// ordinals take together, and none twice.
func ValidateReserveOrdinals(l *validation.List, p *validation.Path, replicas, start int32, reserved []int32) {
	end := int64(start) + int64(replicas) + int64(len(reserved))
	seen := map[int32]bool{}
	for i, o := range reserved {
		switch {
		case seen[o]:
			l.Duplicate(p.Index(i), o, "each ordinal is reserved once; remove the repeated one")
		case int64(o) < int64(start) || int64(o) >= end:
			l.Invalid(p.Index(i), o, fmt.Sprintf("must be in [%d, %d), from ordinalStart up to ordinalStart + replicas + the number of reserved ordinals; an ordinal past every pod needs no reservation: remove it", start, end))
		}
		seen[o] = true
	}
	if len(reserved) > 0 && end-1 > math.MaxInt32 {
		l.Invalid(p, len(reserved), fmt.Sprintf("the last ordinal (ordinalStart + replicas + reserved ordinals - 1) must be at most %d; lower ordinalStart", math.MaxInt32))
	}
}

// Ordinals are the ordinals of the pods, in order.
func (s *Spec) Ordinals() []int32 {
	return naming.OrdinalsExcept(s.OrdinalStart, s.Replicas, s.ReserveOrdinals)
}

// Unchecked applies the defaults to spec and plans the Services without
// checking spec: for a spec checked elsewhere (a DatabaseCluster checks its
// network as part of its own spec), or to show what the API server says
// about one the checks refuse.
func Unchecked(name string, spec Spec) *Plan { return build(name, Defaults(name, spec)) }

// build plans the Services of a checked spec (defaults applied).
func build(name string, spec Spec) *Plan {
	plan := &Plan{Name: name, Spec: spec}
	// The recommended labels (a DatabaseCluster passes its own in
	// spec.Labels), then the user's; the selector labels always win, so the
	// Services' metadata never contradicts what they select.
	objLabels := map[string]string{labels.Name: spec.StatefulSetName, labels.ManagedBy: labels.ManagedByValue}
	maps.Copy(objLabels, spec.Labels)
	maps.Copy(objLabels, spec.Selector)
	plan.Service = &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        spec.ServiceName,
			Labels:      serviceLabels(objLabels, spec.ServiceLabels, spec.Selector),
			Annotations: labels.Merge(nil, spec.Annotations),
		},
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 spec.Selector,
			Ports:                    servicePorts(spec.Ports, nil),
		},
	}
	if spec.Client != nil {
		plan.ClientPorts = clientPorts(spec)
		plan.ClientService = clientService(spec, objLabels, plan.ClientPorts)
	}
	return plan
}

// PodHosts are the pods' names qualified by the governing Service
// ("db-0.db"), resolvable from within the namespace.
func (p *Plan) PodHosts() []string {
	out := make([]string, 0, p.Spec.Replicas)
	for _, o := range p.Spec.Ordinals() {
		out = append(out, naming.PodHost(p.Spec.StatefulSetName, p.Spec.ServiceName, o))
	}
	return out
}

// PodFQDNs are the pods' fully qualified DNS names in namespace ns.
func (p *Plan) PodFQDNs(ns string) []string {
	out := make([]string, 0, p.Spec.Replicas)
	for _, o := range p.Spec.Ordinals() {
		out = append(out, naming.PodFQDN(p.Spec.StatefulSetName, p.Spec.ServiceName, ns, p.Spec.ClusterDomain, o))
	}
	return out
}

// ServiceFQDN is the governing Service's DNS name in namespace ns.
func (p *Plan) ServiceFQDN(ns string) string {
	return naming.ServiceFQDN(p.Spec.ServiceName, ns, p.Spec.ClusterDomain)
}

// PeerList is "fqdn:port,fqdn:port,..." for the first port marked Peer (or
// the first port), ready for a --join flag.
func (p *Plan) PeerList(ns string) string {
	return naming.JoinList(p.PodFQDNs(ns), p.PeerPort().Port)
}

// PeerPort is the first port marked Peer, or the first port.
func (p *Plan) PeerPort() Port {
	for _, port := range p.Spec.Ports {
		if port.Peer {
			return port
		}
	}
	if len(p.Spec.Ports) > 0 {
		return p.Spec.Ports[0]
	}
	return Port{}
}

// ClientEndpoints are "host:port" for every client port of the client
// Service, or of the governing Service when there is no client Service.
func (p *Plan) ClientEndpoints(ns string) []string {
	svc, ports := p.Spec.ServiceName, p.Spec.Ports
	if p.ClientService != nil {
		svc, ports = p.ClientService.Name, p.ClientPorts
	} else {
		var client []Port
		for _, port := range ports {
			if port.Client {
				client = append(client, port)
			}
		}
		if len(client) > 0 {
			ports = client
		}
	}
	host := naming.ServiceFQDN(svc, ns, p.Spec.ClusterDomain)
	out := make([]string, 0, len(ports))
	for _, port := range ports {
		out = append(out, naming.HostPort(host, port.Port))
	}
	return out
}
