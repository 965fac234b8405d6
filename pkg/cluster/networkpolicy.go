package cluster

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// NetworkPolicy confines the database pods' traffic: cluster members (and
// the init Job) reach each other on the ports marked Peer and Client,
// clients reach only the ports marked Client, and every other ingress is
// denied. Ports marked neither are closed to everyone.
type NetworkPolicy struct {
	// Enabled creates the policy. It only takes effect on clusters whose
	// network plugin enforces NetworkPolicy.
	Enabled bool
	// Clients are the sources allowed on client ports. Empty means any
	// source (every pod and every address): client ports stay open, peer
	// ports are closed to non-members.
	Clients []networkingv1.NetworkPolicyPeer
	// RestrictEgress also denies outgoing traffic, except to cluster
	// members on peer and client ports, to DNS (port 53) anywhere, and to
	// what Egress allows.
	RestrictEgress bool
	// Egress are more destinations allowed with RestrictEgress, e.g. the
	// Kubernetes API server for spec.access: its endpoint addresses and
	// port (`kubectl get endpointslices -n default -l
	// kubernetes.io/service-name=kubernetes`), usually 6443, not the
	// Service's 443, since most network plugins apply policies after the
	// Service address is translated.
	Egress []networkingv1.NetworkPolicyEgressRule
}

// networkPolicy plans the NetworkPolicy; nil when disabled.
func (p *Plan) networkPolicy(objLabels map[string]string) *networkingv1.NetworkPolicy {
	np := p.Spec.NetworkPolicy
	if np == nil || !np.Enabled {
		return nil
	}
	members := []networkingv1.NetworkPolicyPeer{
		{PodSelector: &metav1.LabelSelector{MatchLabels: p.Identity.Selector()}},
	}
	if p.Spec.Init != nil {
		init := p.Identity
		init.Component = "init"
		members = append(members, networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: init.Selector()}})
	}
	peerPorts := policyPorts(p.Spec.Ports, func(pt network.Port) bool { return pt.Peer || pt.Client })
	clientPorts := policyPorts(p.Spec.Ports, func(pt network.Port) bool { return pt.Client })
	pol := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: p.child(p.Spec.Objects.NetworkPolicy, p.Name, objLabels),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: p.Identity.Selector()},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		},
	}
	if len(peerPorts) > 0 {
		pol.Spec.Ingress = append(pol.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: members, Ports: peerPorts})
	}
	if len(clientPorts) > 0 {
		rule := networkingv1.NetworkPolicyIngressRule{Ports: clientPorts}
		for _, c := range np.Clients {
			rule.From = append(rule.From, *c.DeepCopy())
		}
		pol.Spec.Ingress = append(pol.Spec.Ingress, rule)
	}
	if np.RestrictEgress {
		pol.Spec.PolicyTypes = append(pol.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		udp, tcp := corev1.ProtocolUDP, corev1.ProtocolTCP
		dns := intstr.FromInt32(53)
		pol.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{
			{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &dns}, {Protocol: &tcp, Port: &dns}}},
		}
		if len(peerPorts) > 0 {
			pol.Spec.Egress = append(pol.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: members[:1], Ports: peerPorts})
		}
		for _, r := range np.Egress {
			pol.Spec.Egress = append(pol.Spec.Egress, *r.DeepCopy())
		}
	}
	return pol
}

func policyPorts(ports []network.Port, keep func(network.Port) bool) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, pt := range ports {
		if !keep(pt) {
			continue
		}
		proto := pt.Protocol
		if proto == "" {
			proto = corev1.ProtocolTCP
		}
		// By number: a named port resolves per pod, and a policy that names a
		// port the pod does not declare silently matches nothing.
		num := intstr.FromInt32(pt.Port)
		out = append(out, networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &num})
	}
	return out
}

func (v *validator) networkPolicy(p *validation.Path) {
	np := v.spec.NetworkPolicy
	if np == nil || !np.Enabled {
		return
	}
	open := 0
	for _, pt := range v.spec.Ports {
		if pt.Client || pt.Peer {
			open++
		}
	}
	if open == 0 && len(v.spec.Ports) > 0 {
		v.Invalid(p.Child("enabled"), true, "the policy would deny all traffic because no port is marked Client or Peer; mark the ports clients and members use")
	}
	for i, c := range np.Clients {
		v.policyPeer(p.Child("clients").Index(i), c)
	}
	// The pods of spec.access use their API token against the API server.
	// Its address cannot be known at plan time in general (the Service
	// address is translated to the endpoints before most plugins apply the
	// policy), so restricted egress with access needs the user to allow it.
	if np.RestrictEgress && v.spec.Access != nil && len(np.Egress) == 0 {
		v.Invalid(p.Child("restrictEgress"), true, "spec.access gives the pods an API token, but restricted egress blocks the Kubernetes API server, whose address ordinal cannot know; allow it in spec.networkPolicy.egress (an ipBlock of the API server's endpoint addresses, see `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`, and its port, usually 6443), or remove restrictEgress")
	}
	if len(np.Egress) > 0 && !np.RestrictEgress {
		v.Forbidden(p.Child("egress"), "egress rules apply only with restrictEgress (otherwise all egress is allowed); set restrictEgress or remove egress")
	}
	for i, r := range np.Egress {
		ep := p.Child("egress").Index(i)
		for j, to := range r.To {
			v.policyPeer(ep.Child("to").Index(j), to)
		}
		for j, pt := range r.Ports {
			if pt.Port != nil && pt.Port.Type == intstr.Int && (pt.Port.IntVal < 1 || pt.Port.IntVal > 65535) {
				v.Invalid(ep.Child("ports").Index(j).Child("port"), pt.Port.IntVal, "must be between 1 and 65535")
			}
		}
	}
}

// policyPeer checks one source or destination of the policy at cp.
func (v *validator) policyPeer(cp *validation.Path, c networkingv1.NetworkPolicyPeer) {
	set := 0
	if c.PodSelector != nil || c.NamespaceSelector != nil {
		set++
		for _, sel := range []struct {
			name string
			s    *metav1.LabelSelector
		}{{"podSelector", c.PodSelector}, {"namespaceSelector", c.NamespaceSelector}} {
			if sel.s != nil {
				v.Labels(cp.Child(sel.name).Child("matchLabels"), sel.s.MatchLabels)
				if _, err := metav1.LabelSelectorAsSelector(sel.s); err != nil {
					v.Invalid(cp.Child(sel.name), sel.s.String(), fmt.Sprintf("is not a valid label selector (%v)", err))
				}
			}
		}
	}
	if c.IPBlock != nil {
		set++
		for _, e := range k8svalidation.IsValidCIDR(cp.Child("ipBlock").Child("cidr").Field(), c.IPBlock.CIDR) {
			v.Invalid(cp.Child("ipBlock").Child("cidr"), c.IPBlock.CIDR, "must be a CIDR such as \"10.0.0.0/8\" ("+e.Detail+")")
		}
		cidr, cidrErr := netip.ParsePrefix(c.IPBlock.CIDR)
		for j, ex := range c.IPBlock.Except {
			ep := cp.Child("ipBlock").Child("except").Index(j)
			errs := k8svalidation.IsValidCIDR(ep.Field(), ex)
			for _, e := range errs {
				v.Invalid(ep, ex, "must be a CIDR such as \"10.1.0.0/16\" ("+e.Detail+")")
			}
			if len(errs) > 0 || cidrErr != nil {
				continue
			}
			if e, err := netip.ParsePrefix(ex); err == nil && (e.Bits() <= cidr.Bits() || !cidr.Contains(e.Addr())) {
				v.Invalid(ep, ex, fmt.Sprintf("must be a strict subset of the cidr %q", c.IPBlock.CIDR))
			}
		}
	}
	if set != 1 {
		v.Invalid(cp, set, "each entry must set podSelector and/or namespaceSelector, or ipBlock, but not both kinds")
	}
}
