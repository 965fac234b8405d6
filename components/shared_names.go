package components

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// A component provider (package provider) constructs each component of a
// stack in a *pulumi.Context of its own. ShareStackNames lets those
// contexts share one registry (stack_names.go), so that the checks between
// components are made as in a Go program.

// sharedStacks holds the registries shared by key, for the process's
// lifetime.
var sharedStacks = map[string]*stackNames{}

// ShareStackNames makes ctx check its components' generated names and pool
// use against every other context shared under key (e.g.
// "<project>/<stack>"), instead of against ctx's components alone. Call it
// before constructing anything in ctx. A component constructed again under
// the same name (the same deployment run twice in one process) replaces
// its own earlier claims instead of colliding with them. Contexts that
// construct at the same time are checked in the order they reserve: of
// two colliding components, the second to reserve is refused (in one Go
// program, the later one in the program).
func ShareStackNames(ctx *pulumi.Context, key string) {
	stacks.Lock()
	defer stacks.Unlock()
	shared, ok := sharedStacks[key]
	if !ok {
		shared = namesOf(ctx)
		sharedStacks[key] = shared
		return
	}
	if stacks.m == nil {
		stacks.m = map[weakContext]*stackNames{}
	}
	track(ctx, shared)
}

// forget drops what owner claimed before; the caller holds stacks.
func (r *stackNames) forget(owner string) {
	maps.DeleteFunc(r.objects, func(_ objectKey, o string) bool { return o == owner })
	for k, ranges := range r.claims {
		r.claims[k] = slices.DeleteFunc(ranges, func(o ordinalRange) bool { return o.owner == owner })
	}
	maps.DeleteFunc(r.pools, func(_ *localpv.Plan, u *poolUse) bool {
		n, ok := u.by[owner]
		if !ok {
			return false
		}
		delete(u.by, owner)
		u.volumes -= n
		u.owners = slices.DeleteFunc(u.owners, func(o string) bool { return o == owner })
		return u.volumes == 0
	})
}
