package components

import (
	"fmt"
	"path"
	"runtime"
	"strconv"
	"sync"
	"weak"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// The components of one stack (one *pulumi.Context) must not generate the
// same object twice: two clusters would share a claim, or the second
// object would silently take over the first. Each New* constructor claims
// its generated names in the stack's registry after planning and before
// registering anything, and fails if another component of the stack has
// one of them:
//
//   - PersistentVolumeClaims "<claim>-<statefulset>-<ordinal>" over each
//     cluster's ordinal range, and Services, per namespace;
//   - PersistentVolumes and created StorageClasses (cluster-scoped);
//   - the volumes of each LocalVolumePool: the clusters of the stack that
//     use a pool may together claim at most as many volumes as it has.
//
// Namespaces may be Pulumi inputs not known while the program runs: names
// are compared only between components whose namespaces are both plain
// known strings (pulumi.String), or both unset (the provider's default
// namespace); other components are not compared.

// stackNames holds the names claimed by the components of one stack.
type stackNames struct {
	// objects maps namespace, kind and name to the component that makes it.
	objects map[objectKey]string
	// claims maps namespace and claim prefix "<claim>-<statefulset>-" to
	// the ordinal ranges claimed with it.
	claims map[objectKey][]ordinalRange
	// pools maps a pool to the volumes the stack's clusters claim from it.
	pools map[*localpv.Plan]*poolUse
}

type objectKey struct{ ns, kind, name string }

type ordinalRange struct {
	from, to int64 // [from, to)
	owner    string
}

type poolUse struct {
	volumes int
	owners  []string
	// by is each owner's share of volumes.
	by map[string]int
}

// weakContext keys the registries by context without keeping the context
// alive.
type weakContext = weak.Pointer[pulumi.Context]

func weakOf(ctx *pulumi.Context) weakContext { return weak.Make(ctx) }

var stacks struct {
	sync.Mutex
	m map[weakContext]*stackNames
}

// namesOf returns the registry of ctx's stack; the caller holds stacks.
// An entry goes when its context is garbage collected.
func namesOf(ctx *pulumi.Context) *stackNames {
	key := weakOf(ctx)
	if r, ok := stacks.m[key]; ok {
		return r
	}
	if stacks.m == nil {
		stacks.m = map[weakContext]*stackNames{}
	}
	r := &stackNames{objects: map[objectKey]string{}, claims: map[objectKey][]ordinalRange{}, pools: map[*localpv.Plan]*poolUse{}}
	track(ctx, r)
	return r
}

// track makes r ctx's registry until ctx is garbage collected; the caller
// holds stacks.
func track(ctx *pulumi.Context, r *stackNames) {
	key := weakOf(ctx)
	stacks.m[key] = r
	runtime.AddCleanup(ctx, func(k weakContext) {
		stacks.Lock()
		defer stacks.Unlock()
		delete(stacks.m, k)
	}, key)
}

// defaultNamespace is the registry's key for the provider's default
// namespace; cluster-scoped objects have the key "".
const defaultNamespace = "-"

// knownNamespace is the registry's key for a namespace, and whether it is
// known now: unset (and "") is the provider's default namespace.
func knownNamespace(ns pulumi.StringInput) (string, bool) {
	switch s := ns.(type) {
	case nil:
		return defaultNamespace, true
	case pulumi.String:
		if s == "" {
			return defaultNamespace, true
		}
		return "ns:" + string(s), true
	}
	return "", false
}

func describeNamespace(ns string) string {
	if ns == defaultNamespace {
		return "the provider's default namespace"
	}
	return fmt.Sprintf("namespace %q", ns[len("ns:"):])
}

// claimedName is one generated object of a component and where its name
// comes from, for the error.
type claimedName struct {
	field *validation.Path
	key   objectKey
	fix   string
}

// reserve checks names, claim ranges and pool use against the stack's
// registry, and records them when none collides; otherwise it records the
// collisions in l and records nothing.
func reserve(ctx *pulumi.Context, l *validation.List, owner string, names []claimedName, claims []claimRange, pool *localpv.Plan, poolVolumes int, poolField *validation.Path) {
	stacks.Lock()
	defer stacks.Unlock()
	r := namesOf(ctx)
	r.forget(owner)
	reported := map[string]bool{} // one problem per field
	for _, n := range names {
		if other, ok := r.objects[n.key]; ok && !reported[n.field.String()] {
			reported[n.field.String()] = true
			where := ""
			if n.key.ns != "" {
				where = " in " + describeNamespace(n.key.ns)
			}
			l.Duplicate(n.field, n.key.name, fmt.Sprintf("the %s %q%s is also made by %s; %s", n.key.kind, n.key.name, where, other, n.fix))
		}
	}
	for _, c := range claims {
		for _, o := range r.claims[c.key] {
			if c.from < o.to && o.from < c.to {
				first := max(c.from, o.from)
				l.Duplicate(c.field, c.claim, fmt.Sprintf("the PersistentVolumeClaim %q%s would also be %s's, and both databases would use the same volume; rename the claim or the component, or use another namespace", c.key.name+strconv.FormatInt(first, 10), " in "+describeNamespace(c.key.ns), o.owner))
				break
			}
		}
	}
	if pool != nil && poolVolumes > 0 {
		if u := r.pools[pool]; u != nil && u.volumes+poolVolumes > len(pool.Volumes) {
			l.Invalid(poolField, pool.Name, fmt.Sprintf("the LocalVolumePool %q has %d volumes, %s already claim %d of them, and this cluster needs %d more; add volumes to the pool, or give this cluster a pool of its own", pool.Name, len(pool.Volumes), listOwners(u.owners), u.volumes, poolVolumes))
		}
	}
	if l.Len() > 0 {
		return
	}
	for _, n := range names {
		r.objects[n.key] = owner
	}
	for _, c := range claims {
		r.claims[c.key] = append(r.claims[c.key], ordinalRange{from: c.from, to: c.to, owner: owner})
	}
	if pool != nil && poolVolumes > 0 {
		u := r.pools[pool]
		if u == nil {
			u = &poolUse{by: map[string]int{}}
			r.pools[pool] = u
		}
		u.volumes += poolVolumes
		u.owners = append(u.owners, owner)
		u.by[owner] = poolVolumes
	}
}

func listOwners(owners []string) string {
	switch len(owners) {
	case 1:
		return owners[0]
	case 2:
		return owners[0] + " and " + owners[1]
	}
	return fmt.Sprintf("%s and %d other clusters", owners[0], len(owners)-1)
}

// claimRange is the PVCs of one claim template: key.name is the prefix
// "<claim>-<statefulset>-" followed by the ordinals [from, to). Two
// prefixes both end in "-" and the ordinals are digits only, so two PVC
// names are equal only when the prefixes are equal: comparing prefixes and
// ranges compares every name.
type claimRange struct {
	field    *validation.Path
	key      objectKey
	claim    string
	from, to int64
}

func owner(kind, name string) string { return fmt.Sprintf("%s %q", kind, name) }

// serviceNames are the Services of a network plan, named at field.
func serviceNames(ns string, plan *network.Plan, governing, client *validation.Path, fix string) []claimedName {
	out := []claimedName{{governing, objectKey{ns, "Service", plan.Service.Name}, fix}}
	if plan.ClientService != nil {
		out = append(out, claimedName{client, objectKey{ns, "Service", plan.ClientService.Name}, fix})
	}
	return out
}

// reserveCluster claims the Services, PVCs and pool volumes of a cluster.
func reserveCluster(ctx *pulumi.Context, name string, ns pulumi.StringInput, plan *cluster.Plan) error {
	key, known := knownNamespace(ns)
	l := validation.New(cluster.Kind, name)
	var names []claimedName
	var claims []claimRange
	if known {
		spec := validation.NewPath("spec").Child("network")
		names = serviceNames(key, plan.Network, spec.Child("serviceName"), spec.Child("client").Child("name"),
			"rename the component, set spec.network.serviceName or spec.network.client.name, or use another namespace")
		from := int64(plan.Spec.OrdinalStart)
		for i, c := range plan.Spec.Claims {
			claims = append(claims, claimRange{
				field: validation.NewPath("spec").Child("claims").Index(i).Child("name"),
				key:   objectKey{key, "PersistentVolumeClaim", c.Name + "-" + plan.StatefulSet.Name + "-"},
				claim: c.Name, from: from, to: from + int64(plan.Spec.OrdinalSpan()),
			})
		}
	}
	reserve(ctx, l, owner(cluster.Kind, name), names, claims, plan.Options.Pool, plan.PoolVolumes(), validation.NewPath("pool"))
	return l.Err()
}

// reserveNetwork claims the Services of a HeadlessNetwork.
func reserveNetwork(ctx *pulumi.Context, name string, ns pulumi.StringInput, plan *network.Plan) error {
	key, known := knownNamespace(ns)
	if !known {
		return nil
	}
	l := validation.New(network.Kind, name)
	spec := validation.NewPath("spec")
	reserve(ctx, l, owner(network.Kind, name), serviceNames(key, plan, spec.Child("serviceName"), spec.Child("client").Child("name"),
		"rename the component, set spec.serviceName or spec.client.name, or use another namespace"), nil, nil, 0, nil)
	return l.Err()
}

// reservePool claims the PVs and the StorageClass of a pool.
func reservePool(ctx *pulumi.Context, name string, plan *localpv.Plan) error {
	l := validation.New(localpv.Kind, name)
	var names []claimedName
	if plan.StorageClass != nil {
		names = append(names, claimedName{validation.NewPath("spec").Child("storageClassName"), objectKey{"", "StorageClass", plan.StorageClass.Name},
			"give this pool another storageClassName, or set existingStorageClass to share the other pool's class"})
	}
	// The disk first: two PVs of one disk would let two claims share it,
	// and two pools with the same class, node and path even make the same
	// PV (name and Pulumi name).
	for i, v := range plan.Spec.Entries() {
		f := entryField(plan.Spec, i)
		names = append(names,
			claimedName{f, objectKey{"", "local disk", v.Node + ":" + path.Clean(v.Path)}, "list each node and path in one pool only"},
			claimedName{f, objectKey{"", "PersistentVolume", plan.Volumes[i].Name}, "name the volume otherwise"})
	}
	reserve(ctx, l, owner(localpv.Kind, name), names, nil, nil, 0, nil)
	return l.Err()
}

// entryField is the field of the pool's i-th volume.
func entryField(spec localpv.Spec, i int) *validation.Path {
	if i < len(spec.Nodes) {
		return validation.NewPath("spec").Child("nodes").Index(i)
	}
	return validation.NewPath("spec").Child("volumes").Index(i - len(spec.Nodes))
}
