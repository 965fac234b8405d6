package network

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/validation"
)

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

// ValidatePorts checks names, numbers, protocols and uniqueness of ports.
func ValidatePorts(l *validation.List, p *validation.Path, ports []Port) {
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
			validation.NotSupported(l, pp.Child("protocol"), port.Protocol, corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
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
