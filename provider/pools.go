package provider

// Pools passed between components. Success contract: a DatabaseCluster's
// `pool` input, a reference to a LocalVolumePool this plugin constructed
// earlier in the same deployment, becomes a *components.LocalVolumePool
// with that pool's plan (the cluster checks its claims against it, as in
// Go), read into the cluster's own context; a reference to any other
// resource fails the construct, naming the field.

import (
	"fmt"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// poolPlans maps the URN of each LocalVolumePool constructed by this
// process to its plan. The engine runs one plugin process per package and
// deployment and constructs a pool before any cluster that refers to it
// (the reference is an input of the cluster), so a cluster always finds
// its pool here.
type poolPlans struct {
	mu    sync.Mutex
	plans map[string]*localpv.Plan
}

var pools = &poolPlans{plans: map[string]*localpv.Plan{}}

// add records p's plan under its URN once the engine has assigned it.
func (pp *poolPlans) add(p *components.LocalVolumePool) {
	p.URN().ApplyT(func(urn pulumi.URN) error {
		pp.mu.Lock()
		defer pp.mu.Unlock()
		pp.plans[string(urn)] = p.Plan
		return nil
	})
}

func (pp *poolPlans) plan(urn string) *localpv.Plan {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	return pp.plans[urn]
}

// module turns resource references of this package into resources of the
// context that reads them (pulumi.RegisterResourceModule).
type module struct{}

func (module) Version() semver.Version { return semver.MustParse(Version) }

func (module) Construct(ctx *pulumi.Context, name, typ, urn string) (pulumi.Resource, error) {
	if typ != components.LocalVolumePoolType {
		return nil, fmt.Errorf("a reference to %s %q cannot be an input of this package; only LocalVolumePool is", typ, name)
	}
	plan := pools.plan(urn)
	if plan == nil {
		return nil, fmt.Errorf("LocalVolumePool %q (%s) was not constructed by this plugin in this deployment; pass the LocalVolumePool made in the same program", name, urn)
	}
	p := &components.LocalVolumePool{Plan: plan}
	if err := ctx.RegisterResource(typ, name, nil, p, pulumi.URN_(urn)); err != nil {
		return nil, err
	}
	return p, nil
}

func init() {
	pulumi.RegisterResourceModule(Name, "index", module{})
}
