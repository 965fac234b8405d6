package network

import (
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

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
	// cloud load balancer annotations). Labels cannot set the selector's
	// keys.
	Labels, Annotations map[string]string
}

// clientService plans the client Service of spec (defaults applied), on
// the ports clientPorts(spec).
func clientService(spec Spec, objLabels map[string]string, ports []Port) *corev1.Service {
	c := spec.Client
	return &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        c.Name,
			Labels:      serviceLabels(objLabels, c.Labels, spec.Selector),
			Annotations: labels.Merge(spec.Annotations, c.Annotations),
		},
		Spec: corev1.ServiceSpec{
			Type:                     c.Type,
			Selector:                 spec.Selector,
			Ports:                    servicePorts(ports, c.NodePorts),
			LoadBalancerSourceRanges: c.LoadBalancerSourceRanges,
			ExternalTrafficPolicy:    c.ExternalTrafficPolicy,
		},
	}
}

// ValidateClient checks the client Service of spec (defaults applied).
func ValidateClient(l *validation.List, p *validation.Path, spec Spec) {
	c := spec.Client
	l.ServiceName(p.Child("name"), c.Name)
	if c.Name == spec.ServiceName {
		l.Invalid(p.Child("name"), c.Name, "must differ from the governing Service's name; leave it empty for \"<service>-public\"")
	}
	switch c.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
	default:
		validation.NotSupported(l, p.Child("type"), c.Type, corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer)
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
	published := map[string]bool{}
	for _, port := range clientPorts(spec) {
		published[port.Name] = true
	}
	if !hasClientPorts(spec) {
		l.Required(p.Child("ports"), "the client Service has no port: mark ports with Client: true or list port names here")
	}
	for _, name := range slices.Sorted(maps.Keys(c.NodePorts)) {
		np := p.Child("nodePorts").Key(name)
		if c.Type == corev1.ServiceTypeClusterIP {
			l.Forbidden(np, "node ports need type NodePort or LoadBalancer; remove nodePorts or change type")
			continue
		}
		if !known[name] {
			l.Invalid(np, name, "names no declared port; use one of the names in ports")
		} else if !published[name] {
			l.Invalid(np, name, "the client Service does not publish this port, so the node port would be dropped; publish the port (list it in client.ports, or mark it Client: true) or remove the node port")
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
		validation.NotSupported(l, p.Child("externalTrafficPolicy"), c.ExternalTrafficPolicy, corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal)
	}
	ValidateServiceLabels(l, p.Child("labels"), c.Labels, spec.Selector)
	l.Annotations(p.Child("annotations"), c.Annotations)
	// spec.annotations go on the client Service too; when they alone are
	// too large, the problem is theirs (see validate).
	if len(c.Annotations) > 0 && validation.New("", "").AnnotationsSize(p, "", spec.Annotations) {
		l.AnnotationsSize(p.Child("annotations"), "the client Service (spec.annotations and client.annotations)", spec.Annotations, c.Annotations)
	}
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
