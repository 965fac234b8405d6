package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8score "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// HeadlessNetworkType is the HeadlessNetwork's Pulumi type token.
const HeadlessNetworkType = "ordinal:index:HeadlessNetwork"

// HeadlessNetworkArgs are the arguments of NewHeadlessNetwork.
type HeadlessNetworkArgs struct {
	// Namespace of the Services; nil uses the provider's default namespace.
	Namespace pulumi.StringInput
	// Spec describes the Services and the pods they serve.
	Spec network.Spec
}

// HeadlessNetwork is the governing headless Service of a StatefulSet, an
// optional client Service, and the stable DNS names of the pods.
type HeadlessNetwork struct {
	pulumi.ResourceState

	// Plan is the validated plan the Services were built from.
	Plan *network.Plan
	// Service is the governing headless Service (clusterIP: None,
	// publishNotReadyAddresses: true).
	Service *corev1.Service
	// ClientService is the client Service, nil unless requested.
	ClientService *corev1.Service

	// Namespace the Services live in.
	Namespace pulumi.StringOutput
	// ServiceName is the governing Service's name.
	ServiceName pulumi.StringOutput
	// ServiceFQDN is "<svc>.<ns>.svc.<clusterDomain>".
	ServiceFQDN pulumi.StringOutput
	// PodFQDNs lists "<sts>-<i>.<svc>.<ns>.svc.<clusterDomain>" in ordinal order.
	PodFQDNs pulumi.StringArrayOutput
	// PeerList is "fqdn:port,fqdn:port,..." on the first peer port.
	PeerList pulumi.StringOutput
	// ClientEndpoints are "host:port" for each client port.
	ClientEndpoints pulumi.StringArrayOutput
}

// NewHeadlessNetwork validates args and registers the Services.
func NewHeadlessNetwork(ctx *pulumi.Context, name string, args *HeadlessNetworkArgs, opts ...pulumi.ResourceOption) (*HeadlessNetwork, error) {
	if args == nil {
		args = &HeadlessNetworkArgs{}
	}
	plan, err := network.New(name, args.Spec)
	if err != nil {
		return nil, err
	}
	return newHeadlessNetwork(ctx, name, args.Namespace, plan, opts...)
}

func newHeadlessNetwork(ctx *pulumi.Context, name string, ns pulumi.StringInput, plan *network.Plan, opts ...pulumi.ResourceOption) (*HeadlessNetwork, error) {
	c := &HeadlessNetwork{Plan: plan}
	if err := ctx.RegisterComponentResource(HeadlessNetworkType, name, c, opts...); err != nil {
		return nil, err
	}
	child := pulumi.Parent(c)
	var err error
	// Shallow copies: only the annotations change, and Merge copies them.
	governing := *plan.Governing
	governing.Annotations = labels.Merge(governing.Annotations, GoverningServiceAnnotations())
	c.Service, err = registerService(ctx, naming.Child(name, "headless"), &governing, ns, child)
	if err != nil {
		return nil, err
	}
	if plan.ClientSvc != nil {
		svc := *plan.ClientSvc
		svc.Annotations = labels.Merge(svc.Annotations, ClientServiceAnnotations(svc.Spec.Type))
		c.ClientService, err = registerService(ctx, naming.Child(name, "client"), &svc, ns, child)
		if err != nil {
			return nil, err
		}
	}
	// Names derive from the namespace the Service really landed in.
	c.Namespace = namespaceOf(c.Service)
	c.ServiceName = nameOf(c.Service.Metadata)
	c.ServiceFQDN = c.Namespace.ApplyT(plan.ServiceFQDN).(pulumi.StringOutput)
	c.PodFQDNs = c.Namespace.ApplyT(plan.PodFQDNs).(pulumi.StringArrayOutput)
	c.PeerList = c.Namespace.ApplyT(plan.PeerList).(pulumi.StringOutput)
	c.ClientEndpoints = c.Namespace.ApplyT(plan.ClientEndpoints).(pulumi.StringArrayOutput)
	if err := ctx.RegisterResourceOutputs(c, c.stateOutputs(ns)); err != nil {
		return nil, err
	}
	return c, nil
}

// stateOutputs are the outputs recorded in the component's state: the
// values of its output fields. With a namespace known while the program
// runs they are all known too, and are registered as plain values: each
// output still pending costs the SDK an await when it registers them,
// which made the outputs a tenth of a cluster's registration cost.
func (c *HeadlessNetwork) stateOutputs(ns pulumi.StringInput) pulumi.Map {
	if n, ok := bridge.Literal(ns); ok && n != "" {
		p := c.Plan
		return pulumi.Map{
			"namespace":       pulumi.String(n),
			"serviceName":     pulumi.String(p.Governing.Name),
			"serviceFqdn":     pulumi.String(p.ServiceFQDN(n)),
			"podFqdns":        pulumi.ToStringArray(p.PodFQDNs(n)),
			"peerList":        pulumi.String(p.PeerList(n)),
			"clientEndpoints": pulumi.ToStringArray(p.ClientEndpoints(n)),
		}
	}
	return pulumi.Map{
		"namespace":       c.Namespace,
		"serviceName":     c.ServiceName,
		"serviceFqdn":     c.ServiceFQDN,
		"podFqdns":        c.PodFQDNs,
		"peerList":        c.PeerList,
		"clientEndpoints": c.ClientEndpoints,
	}
}

// resources are the network's Services, for DependsOn (see
// DatabaseCluster.register for why not the component itself).
func (c *HeadlessNetwork) resources() []pulumi.Resource {
	out := []pulumi.Resource{c.Service}
	if c.ClientService != nil {
		out = append(out, c.ClientService)
	}
	return out
}

// annotationSkipAwait tells pulumi-kubernetes not to wait for a resource.
const annotationSkipAwait = "pulumi.com/skipAwait"

// GoverningServiceAnnotations are the provider annotations on the governing
// (headless) Service: it is not awaited. A headless Service has no address
// to wait for, and the provider does not wait for its endpoints either, so
// its await only added the provider's watch setup (about 0.25 s) to the
// critical path of every `pulumi up`: the StatefulSet depends on the
// network. The Service exists once its create returns, which is all the
// pods' DNS names need.
func GoverningServiceAnnotations() map[string]string {
	return map[string]string{annotationSkipAwait: "true"}
}

// ClientServiceAnnotations are the provider annotations on the client
// Service. For a ClusterIP or NodePort Service the provider's await only
// waits for its Endpoints to stay unchanged for 10 seconds (and succeeds
// even with no endpoints at all), so it proves nothing the StatefulSet's
// own readiness await does not, yet it held `pulumi up` for 10 seconds
// before the StatefulSet (which depends on the network) could start: the
// Service is not awaited. A LoadBalancer is still awaited, for its address.
func ClientServiceAnnotations(t k8score.ServiceType) map[string]string {
	if t == k8score.ServiceTypeLoadBalancer {
		return nil
	}
	return map[string]string{annotationSkipAwait: "true"}
}

// namespaceOf is the namespace a Service was created in ("default" when
// neither the program nor the provider chose one).
func namespaceOf(svc *corev1.Service) pulumi.StringOutput {
	return svc.Metadata.ApplyT(func(m metav1.ObjectMeta) string {
		if m.Namespace == nil || *m.Namespace == "" {
			return "default"
		}
		return *m.Namespace
	}).(pulumi.StringOutput)
}
