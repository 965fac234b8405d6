package provider

// Construct. Success contract: for each component token, the inputs are
// decoded and checked, the Go constructor registers the component and its
// children exactly as in a Go program (same token, names and options; the
// engine passes the parent, aliases and the rest in opts), and the result
// carries the component's outputs under the schema's names. Invalid inputs
// fail the construct with the Go components' own *validation.Error before
// anything is registered.

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Construct is the plugin's construct function: it builds the component
// typ named name from inputs.
func Construct(ctx *pulumi.Context, typ, name string, inputs pprovider.ConstructInputs, opts pulumi.ResourceOption) (*pprovider.ConstructResult, error) {
	// The engine runs one plugin process per deployment, so the stack's
	// components, each constructed in a context of its own, are checked
	// against each other as in a Go program (components.ShareStackNames).
	components.ShareStackNames(ctx, ctx.Project()+"/"+ctx.Stack())
	switch typ {
	case components.DatabaseClusterType:
		return constructCluster(ctx, name, inputs, opts)
	case components.LocalVolumePoolType:
		return constructPool(ctx, name, inputs, opts)
	case components.HeadlessNetworkType:
		return constructNetwork(ctx, name, inputs, opts)
	}
	return nil, fmt.Errorf("unknown resource type %q: this provider serves %s, %s and %s", typ,
		components.DatabaseClusterType, components.LocalVolumePoolType, components.HeadlessNetworkType)
}

// knownNamespace is the plain value of a namespace input known now: the
// components compare generated names only between namespaces they know
// while planning. A known value carries no pending dependency: the
// program resolved every input before it asked for the component.
type knownNamespace struct {
	Namespace *string `pulumi:"namespace"`
}

func namespaceInput(inputs pprovider.ConstructInputs, in pulumi.StringInput) pulumi.StringInput {
	var known knownNamespace
	if err := inputs.CopyTo(&known); err == nil && known.Namespace != nil && *known.Namespace != "" {
		return pulumi.String(*known.Namespace)
	}
	return in
}

// clusterInputs are DatabaseCluster's inputs as the engine sends them.
type clusterInputs struct {
	Namespace           pulumi.StringInput            `pulumi:"namespace"`
	Spec                map[string]any                `pulumi:"spec"`
	Engine              map[string]any                `pulumi:"engine"`
	Image               pulumi.StringInput            `pulumi:"image"`
	Images              map[string]pulumi.StringInput `pulumi:"images"`
	Pool                *components.LocalVolumePool   `pulumi:"pool"`
	StorageClassName    pulumi.StringInput            `pulumi:"storageClassName"`
	SecretData          map[string]pulumi.StringInput `pulumi:"secretData"`
	Deletion            string                        `pulumi:"deletion"`
	AwaitTimeoutSeconds int                           `pulumi:"awaitTimeoutSeconds"`
}

// ClusterArgs turns DatabaseCluster's decoded plain inputs into the Go
// arguments: the engine profile's spec (if any) with spec laid over it.
// Errors name the schema's fields.
func ClusterArgs(name string, spec, engine map[string]any) (cluster.Spec, error) {
	l := validation.New(cluster.Kind, name)
	var out cluster.Spec
	if engine != nil {
		var e Engine
		decode(l, validation.NewPath("engine"), engine, &e)
		if l.Len() == 0 {
			var choice []string
			out, choice = e.profile(name)
			if len(choice) > 1 {
				l.Invalid(validation.NewPath("engine"), choice, "set one engine profile, not several")
			}
		}
	}
	if spec != nil {
		decode(l, validation.NewPath("spec"), spec, &out)
	}
	return out, l.Err()
}

func constructCluster(ctx *pulumi.Context, name string, inputs pprovider.ConstructInputs, opts pulumi.ResourceOption) (*pprovider.ConstructResult, error) {
	var in clusterInputs
	if err := inputs.CopyTo(&in); err != nil {
		return nil, fmt.Errorf("DatabaseCluster %q: reading the inputs: %w", name, err)
	}
	spec, err := ClusterArgs(name, in.Spec, in.Engine)
	if err != nil {
		return nil, err
	}
	args := &components.DatabaseClusterArgs{
		Namespace:           namespaceInput(inputs, in.Namespace),
		Spec:                spec,
		Image:               in.Image,
		Images:              in.Images,
		StorageClassName:    in.StorageClassName,
		SecretData:          in.SecretData,
		Deletion:            components.StatefulSetDeletion(in.Deletion),
		AwaitTimeoutSeconds: in.AwaitTimeoutSeconds,
	}
	if in.Pool != nil {
		args.Pool = in.Pool // made by module.Construct (pools.go)
	}
	c, err := components.NewDatabaseCluster(ctx, name, args, opts)
	if err != nil {
		return nil, err
	}
	return result(c, pulumi.Map{
		"namespace":       c.Namespace,
		"statefulSetName": c.StatefulSetName,
		"serviceName":     c.ServiceName,
		"pdbName":         c.PDBName,
		"initJobName":     c.InitJobName,
		"podFqdns":        c.PodFQDNs,
		"peerList":        c.PeerList,
		"clientEndpoints": c.ClientEndpoints,
		"configChecksum":  c.ConfigChecksum,
	})
}

// poolInputs are LocalVolumePool's inputs.
type poolInputs struct {
	Spec       map[string]any `pulumi:"spec"`
	Protection string         `pulumi:"protection"`
}

func constructPool(ctx *pulumi.Context, name string, inputs pprovider.ConstructInputs, opts pulumi.ResourceOption) (*pprovider.ConstructResult, error) {
	var in poolInputs
	if err := inputs.CopyTo(&in); err != nil {
		return nil, fmt.Errorf("LocalVolumePool %q: reading the inputs: %w", name, err)
	}
	l := validation.New(localpv.Kind, name)
	var spec localpv.Spec
	decode(l, validation.NewPath("spec"), in.Spec, &spec)
	if err := l.Err(); err != nil {
		return nil, err
	}
	p, err := components.NewLocalVolumePool(ctx, name, &components.LocalVolumePoolArgs{
		Spec: spec, Protection: components.Protection(in.Protection),
	}, opts)
	if err != nil {
		return nil, err
	}
	pools.add(p)
	return result(p, pulumi.Map{
		"storageClassName": p.StorageClassName,
		"volumeNames":      p.VolumeNames,
		"totalCapacity":    p.TotalCapacity,
		"nodes":            p.Nodes,
	})
}

// networkInputs are HeadlessNetwork's inputs.
type networkInputs struct {
	Namespace pulumi.StringInput `pulumi:"namespace"`
	Spec      map[string]any     `pulumi:"spec"`
}

func constructNetwork(ctx *pulumi.Context, name string, inputs pprovider.ConstructInputs, opts pulumi.ResourceOption) (*pprovider.ConstructResult, error) {
	var in networkInputs
	if err := inputs.CopyTo(&in); err != nil {
		return nil, fmt.Errorf("HeadlessNetwork %q: reading the inputs: %w", name, err)
	}
	l := validation.New(network.Kind, name)
	var spec network.Spec
	decode(l, validation.NewPath("spec"), in.Spec, &spec)
	if err := l.Err(); err != nil {
		return nil, err
	}
	n, err := components.NewHeadlessNetwork(ctx, name, &components.HeadlessNetworkArgs{Namespace: namespaceInput(inputs, in.Namespace), Spec: spec}, opts)
	if err != nil {
		return nil, err
	}
	return result(n, pulumi.Map{
		"namespace":       n.Namespace,
		"serviceName":     n.ServiceName,
		"serviceFqdn":     n.ServiceFQDN,
		"podFqdns":        n.PodFQDNs,
		"peerList":        n.PeerList,
		"clientEndpoints": n.ClientEndpoints,
	})
}

// result registers the component's outputs (the engine and the stack see
// them as the component's properties) and returns them to the caller.
func result(c pulumi.ComponentResource, outputs pulumi.Map) (*pprovider.ConstructResult, error) {
	return &pprovider.ConstructResult{URN: c.URN(), State: outputs}, nil
}
