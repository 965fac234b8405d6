package network

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Kind is the component kind used in error messages.
const Kind = "HeadlessNetwork"

// Port is one named port of a clustered database.
type Port struct {
	// Name is an IANA_SVC_NAME (at most 15 characters), e.g. "grpc". Probes
	// and the client Service refer to ports by this name.
	Name string
	// Port is the port number the container listens on.
	Port int32
	// Protocol defaults to TCP.
	Protocol corev1.Protocol
	// AppProtocol is an optional application protocol hint (e.g. "http").
	AppProtocol string
	// Client marks a port that applications connect to: it is published on
	// the client Service and open to clients under a NetworkPolicy.
	Client bool
	// Peer marks a port that cluster members use to talk to each other.
	Peer bool
}

// ClientService describes the optional second, load-balanced Service.
type ClientService struct {
	// Name defaults to "<service>-public".
	Name string
	// Type is ClusterIP (default), NodePort or LoadBalancer.
	Type corev1.ServiceType
	// Ports lists the names of the ports to publish; default: every port
	// marked Client.
	Ports []string
	// NodePorts fixes node ports by port name (NodePort/LoadBalancer only).
	NodePorts map[string]int32
	// LoadBalancerSourceRanges restricts LoadBalancer clients (CIDRs).
	LoadBalancerSourceRanges []string
	// ExternalTrafficPolicy is Cluster or Local (NodePort/LoadBalancer only).
	ExternalTrafficPolicy corev1.ServiceExternalTrafficPolicy
	// Labels and Annotations are added to the client Service only (e.g.
	// cloud load balancer annotations).
	Labels, Annotations map[string]string
}

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
}

// Plan is the result of planning: the objects to create and the names to publish.
type Plan struct {
	Name        string
	Spec        Spec // defaults applied
	Governing   *corev1.Service
	ClientSvc   *corev1.Service // nil without a client Service
	ClientPorts []Port
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

// DefaultPorts returns a copy of ports with the protocol defaulted to TCP.
func DefaultPorts(ports []Port) []Port {
	out := make([]Port, len(ports))
	for i, p := range ports {
		if p.Protocol == "" {
			p.Protocol = corev1.ProtocolTCP
		}
		out[i] = p
	}
	return out
}

// Validate records every problem of spec (defaults applied) under root.
func Validate(l *validation.List, root *field.Path, spec Spec) {
	validate(validation.Reporter{List: l}, validation.FromField(root), spec)
}

func validate(l validation.Reporter, root *validation.Path, spec Spec) {
	l.ServiceName(root.Child("serviceName"), spec.ServiceName)
	l.DNSLabel(root.Child("statefulSetName"), spec.StatefulSetName)
	ValidateOrdinals(l, root, spec.Replicas, spec.OrdinalStart)
	for _, msg := range validation.IsDNS1123Subdomain(spec.ClusterDomain) {
		l.Invalid(root.Child("clusterDomain"), spec.ClusterDomain, "must be a DNS domain such as \"cluster.local\" ("+msg+")")
	}
	if len(spec.Selector) == 0 {
		l.Required(root.Child("selector"), "set the labels of the pods this network serves")
	}
	l.Labels(root.Child("selector"), spec.Selector)
	l.Labels(root.Child("labels"), spec.Labels)
	l.Annotations(root.Child("annotations"), spec.Annotations)
	ValidatePorts(l, root.Child("ports"), spec.Ports)
	if spec.Client != nil {
		ValidateClient(l, root.Child("client"), spec)
	}
}

// MaxReplicas is the largest replica count: Kubernetes' documented limit
// of 150,000 pods per cluster. The components compute one DNS name per pod.
const MaxReplicas = 150000

// ValidateOrdinals checks replicas (1..MaxReplicas) and the ordinal start,
// whose last ordinal must fit in an int32.
func ValidateOrdinals(l validation.Reporter, root *validation.Path, replicas, start int32) {
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

// ValidatePorts checks names, numbers, protocols and uniqueness of ports.
func ValidatePorts(l validation.Reporter, p *validation.Path, ports []Port) {
	if len(ports) == 0 {
		l.Required(p, "declare at least one named port, e.g. {Name: \"sql\", Port: 5432, Client: true, Peer: true}")
	}
	names := map[string]int{}
	numbers := map[portNumber]int{}
	for i, port := range ports {
		pp := p.Index(i)
		if port.Name == "" {
			l.Required(pp.Child("name"), "name every port (at most 15 lower-case characters, e.g. \"sql\"); probes and Services refer to ports by name")
		} else if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
			l.Invalid(pp.Child("name"), port.Name, "must be an IANA service name ("+strings.Join(msgs, "; ")+")")
		} else if j, dup := names[port.Name]; dup {
			l.Duplicate(pp.Child("name"), port.Name, fmt.Sprintf("ports[%d] already uses this name; give each port a unique name", j))
		} else {
			names[port.Name] = i
		}
		if msgs := k8svalidation.IsValidPortNum(int(port.Port)); len(msgs) > 0 {
			l.Invalid(pp.Child("port"), port.Port, "must be between 1 and 65535")
		} else {
			key := portNumber{port.Port, port.Protocol}
			if j, dup := numbers[key]; dup {
				l.Duplicate(pp.Child("port"), port.Port, fmt.Sprintf("ports[%d] already listens on %s; use another number", j, key))
			} else {
				numbers[key] = i
			}
		}
		switch port.Protocol {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			validation.NotSupported(l.List, pp.Child("protocol").Field(), port.Protocol, corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
		}
		if port.AppProtocol != "" {
			for _, msg := range validation.IsQualifiedName(port.AppProtocol) {
				l.Invalid(pp.Child("appProtocol"), port.AppProtocol, "must be a protocol name such as \"http\" or \"kubernetes.io/h2c\" ("+msg+")")
			}
		}
	}
}

// portNumber is a port number with its protocol, e.g. 5432/TCP.
type portNumber struct {
	port     int32
	protocol corev1.Protocol
}

func (n portNumber) String() string { return strconv.Itoa(int(n.port)) + "/" + string(n.protocol) }

// ValidateClient checks the client Service of spec (defaults applied).
func ValidateClient(l validation.Reporter, p *validation.Path, spec Spec) {
	c := spec.Client
	l.ServiceName(p.Child("name"), c.Name)
	if c.Name == spec.ServiceName {
		l.Invalid(p.Child("name"), c.Name, "must differ from the governing Service's name; leave it empty for \"<service>-public\"")
	}
	switch c.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
	default:
		validation.NotSupported(l.List, p.Child("type").Field(), c.Type, corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer)
	}
	known := map[string]bool{}
	for _, port := range spec.Ports {
		known[port.Name] = true
	}
	listed := map[string]bool{}
	for i, name := range c.Ports {
		if !known[name] {
			l.Invalid(p.Child("ports").Index(i), name, "names no declared port; use one of the names in ports")
		} else if listed[name] {
			l.Duplicate(p.Child("ports").Index(i), name, "this port is already listed; list each port once")
		}
		listed[name] = true
	}
	protocols := map[string]corev1.Protocol{}
	for _, port := range spec.Ports {
		protocols[port.Name] = port.Protocol
	}
	nodePorts := map[portNumber]string{}
	if !hasClientPorts(spec) {
		l.Required(p.Child("ports"), "the client Service has no port: mark ports with Client: true or list port names here")
	}
	for _, name := range validation.SortedKeys(c.NodePorts) {
		np := p.Child("nodePorts").Key(name)
		if c.Type == corev1.ServiceTypeClusterIP {
			l.Forbidden(np, "node ports need type NodePort or LoadBalancer; remove nodePorts or change type")
			continue
		}
		if !known[name] {
			l.Invalid(np, name, "names no declared port; use one of the names in ports")
		}
		v := c.NodePorts[name]
		if v < 30000 || v > 32767 {
			l.Invalid(np, v, "must be in the default node port range 30000-32767")
			continue
		}
		key := portNumber{v, protocols[name]}
		if prev, dup := nodePorts[key]; dup {
			l.Duplicate(np, v, fmt.Sprintf("port %q already uses this node port; give each port its own", prev))
		}
		nodePorts[key] = name
	}
	if len(c.LoadBalancerSourceRanges) > 0 && c.Type != corev1.ServiceTypeLoadBalancer {
		l.Forbidden(p.Child("loadBalancerSourceRanges"), "only applies to type LoadBalancer")
	}
	for i, r := range c.LoadBalancerSourceRanges {
		rp := p.Child("loadBalancerSourceRanges").Index(i)
		for _, e := range k8svalidation.IsValidCIDR(rp.Field(), r) {
			l.Invalid(rp, r, "must be a CIDR such as \"10.0.0.0/8\" ("+e.Detail+")")
		}
	}
	switch c.ExternalTrafficPolicy {
	case "":
	case corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal:
		if c.Type == corev1.ServiceTypeClusterIP {
			l.Forbidden(p.Child("externalTrafficPolicy"), "only applies to type NodePort or LoadBalancer")
		}
	default:
		validation.NotSupported(l.List, p.Child("externalTrafficPolicy").Field(), c.ExternalTrafficPolicy, corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal)
	}
	l.Labels(p.Child("labels"), c.Labels)
	l.Annotations(p.Child("annotations"), c.Annotations)
}

// hasClientPorts reports whether clientPorts(spec) is not empty.
func hasClientPorts(spec Spec) bool {
	if spec.Client == nil {
		return false
	}
	for _, p := range spec.Ports {
		if listed := spec.Client.Ports; len(listed) > 0 {
			if slices.Contains(listed, p.Name) {
				return true
			}
		} else if p.Client {
			return true
		}
	}
	return false
}

func clientPorts(spec Spec) []Port {
	if spec.Client == nil {
		return nil
	}
	var out []Port
	if len(spec.Client.Ports) > 0 {
		for _, name := range spec.Client.Ports {
			for _, p := range spec.Ports {
				if p.Name == name {
					out = append(out, p)
				}
			}
		}
		return out
	}
	for _, p := range spec.Ports {
		if p.Client {
			out = append(out, p)
		}
	}
	return out
}

// New validates spec and plans the Services. name is the component's name.
func New(name string, spec Spec) (*Plan, error) {
	l := validation.New(Kind, name)
	spec = Defaults(name, spec)
	validate(validation.Reporter{List: l}, validation.NewPath("spec"), spec)
	if err := l.Err(); err != nil {
		return nil, err
	}
	return Build(name, spec), nil
}

// Build plans the Services of an already validated spec (defaults applied).
func Build(name string, spec Spec) *Plan {
	plan := &Plan{Name: name, Spec: spec}
	// The recommended labels (a DatabaseCluster passes its own in
	// spec.Labels), then the user's; the selector labels always win, so the
	// Services' metadata never contradicts what they select.
	objLabels := map[string]string{labels.Name: spec.StatefulSetName, labels.ManagedBy: labels.ManagedByValue}
	maps.Copy(objLabels, spec.Labels)
	maps.Copy(objLabels, spec.Selector)
	plan.Governing = &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        spec.ServiceName,
			Labels:      objLabels,
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
		c := spec.Client
		plan.ClientPorts = clientPorts(spec)
		svc := &corev1.Service{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: metav1.ObjectMeta{
				Name:        c.Name,
				Labels:      labels.Merge(objLabels, c.Labels),
				Annotations: labels.Merge(spec.Annotations, c.Annotations),
			},
			Spec: corev1.ServiceSpec{
				Type:                     c.Type,
				Selector:                 spec.Selector,
				Ports:                    servicePorts(plan.ClientPorts, c.NodePorts),
				LoadBalancerSourceRanges: c.LoadBalancerSourceRanges,
				ExternalTrafficPolicy:    c.ExternalTrafficPolicy,
			},
		}
		plan.ClientSvc = svc
	}
	return plan
}

func servicePorts(ports []Port, nodePorts map[string]int32) []corev1.ServicePort {
	out := make([]corev1.ServicePort, 0, len(ports))
	for _, p := range ports {
		sp := corev1.ServicePort{
			Name:       p.Name,
			Port:       p.Port,
			Protocol:   p.Protocol,
			TargetPort: intstr.FromString(p.Name),
			NodePort:   nodePorts[p.Name],
		}
		if p.AppProtocol != "" {
			ap := p.AppProtocol
			sp.AppProtocol = &ap
		}
		out = append(out, sp)
	}
	return out
}

// PodHosts are the pods' names qualified by the governing Service
// ("db-0.db"), resolvable from within the namespace.
func (p *Plan) PodHosts() []string {
	return naming.PodHosts(p.Spec.StatefulSetName, p.Spec.ServiceName, p.Spec.OrdinalStart, p.Spec.Replicas)
}

// PodFQDNs are the pods' fully qualified DNS names in namespace ns.
func (p *Plan) PodFQDNs(ns string) []string {
	return naming.PodFQDNs(p.Spec.StatefulSetName, p.Spec.ServiceName, ns, p.Spec.ClusterDomain, p.Spec.OrdinalStart, p.Spec.Replicas)
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
	if p.ClientSvc != nil {
		svc, ports = p.ClientSvc.Name, p.ClientPorts
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
