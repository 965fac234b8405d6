package components

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
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
	plan, err := PlanHeadlessNetwork(name, args)
	if err != nil {
		return nil, err
	}
	if err := reserveNetwork(ctx, name, args.Namespace, plan); err != nil {
		return nil, err
	}
	return newHeadlessNetwork(ctx, name, args.Namespace, plan, opts...)
}

// PlanHeadlessNetwork validates args and plans the Services without
// registering anything; NewHeadlessNetwork calls it first. network.Make
// checks and plans the spec; the component checks its namespace input.
func PlanHeadlessNetwork(name string, args *HeadlessNetworkArgs) (*network.Plan, error) {
	if args == nil {
		args = &HeadlessNetworkArgs{}
	}
	l := validation.New(network.Kind, name)
	plan := network.Make(l, name, args.Spec)
	checkInput(l, validation.NewPath("namespace"), args.Namespace)
	if err := l.Err(); err != nil {
		return nil, err
	}
	return plan, nil
}

// newHeadlessNetwork registers the component and the Services of plan; a
// DatabaseCluster registers its network through it too.
func newHeadlessNetwork(ctx *pulumi.Context, name string, ns pulumi.StringInput, plan *network.Plan, opts ...pulumi.ResourceOption) (*HeadlessNetwork, error) {
	c := &HeadlessNetwork{Plan: plan}
	if err := ctx.RegisterComponentResource(HeadlessNetworkType, name, c, opts...); err != nil {
		return nil, err
	}
	child := pulumi.Composite(pulumi.Parent(c), NamedObjectOptions())
	var err error
	// Shallow copies: only the annotations change, and Merge copies them.
	governing := *plan.Service
	governing.Annotations = labels.Merge(governing.Annotations, GoverningServiceAnnotations())
	c.Service, err = registerService(ctx, naming.Child(name, "headless"), &governing, ns, child)
	if err != nil {
		return nil, err
	}
	if plan.ClientService != nil {
		svc := *plan.ClientService
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
// runs they are all known too, and are registered as plain values: the SDK
// awaits each output still pending when it registers them.
func (c *HeadlessNetwork) stateOutputs(ns pulumi.StringInput) pulumi.Map {
	if n, ok := bridge.Literal(ns); ok && n != "" {
		p := c.Plan
		return pulumi.Map{
			"namespace":       pulumi.String(n),
			"serviceName":     pulumi.String(p.Service.Name),
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
