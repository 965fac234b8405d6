package cluster

import (
	"cmp"

	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Network configures the cluster's Services.
type Network struct {
	// ServiceName of the governing headless Service; defaults to the cluster's name.
	ServiceName string
	// ClusterDomain defaults to "cluster.local".
	ClusterDomain string
	// Client adds a client Service (e.g. "<name>-public"); nil for none.
	// Its Name and Labels name and label it.
	Client *network.ClientService
	// ServiceLabels are added to the governing Service only, over
	// spec.Labels (e.g. "app": "zk-headless"). They cannot set the labels
	// that select the cluster's pods.
	ServiceLabels map[string]string
}

// network plans the governing and client Services of the cluster's pods,
// checked as part of the spec (see validator.network).
func (p *Plan) network(objLabels map[string]string) *network.Plan {
	s := &p.Spec
	return network.Unchecked(p.Name, network.Spec{
		ServiceName:     s.Network.ServiceName,
		StatefulSetName: p.Name,
		Replicas:        s.Replicas,
		OrdinalStart:    s.OrdinalStart,
		ReserveOrdinals: s.Workload.ReserveOrdinals,
		Selector:        p.Identity.Selector(),
		Ports:           s.Ports,
		ClusterDomain:   s.Network.ClusterDomain,
		Client:          s.Network.Client,
		Labels:          objLabels,
		ServiceLabels:   s.Network.ServiceLabels,
		Annotations:     s.Annotations,
	})
}

// network checks spec.network; spec.ports are checked by
// network.ValidatePorts, the replicas by the workload.
func (v *validator) network(p *validation.Path) {
	n := v.spec.Network
	// A service name defaulted from the cluster's name was checked as "name".
	if n.ServiceName != v.name {
		v.ServiceName(p.Child("serviceName"), n.ServiceName)
	}
	for _, msg := range validation.IsDNS1123Subdomain(cmp.Or(n.ClusterDomain, naming.DefaultClusterDomain)) {
		v.Invalid(p.Child("clusterDomain"), n.ClusterDomain, "must be a DNS domain such as \"cluster.local\" ("+msg+")")
	}
	if n.Client == nil && len(n.ServiceLabels) == 0 {
		return
	}
	ns := network.Defaults(v.name, network.Spec{ServiceName: n.ServiceName, Ports: v.spec.Ports, Client: n.Client, Annotations: v.spec.Annotations})
	network.ValidateServiceLabels(v.List, p.Child("serviceLabels"), n.ServiceLabels, ns.Selector)
	if n.Client != nil {
		network.ValidateClient(v.List, p.Child("client"), ns)
	}
}
