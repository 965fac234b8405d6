package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// poolClaim is a claim (with a valid size) the cluster puts on its
// LocalVolumePool: spec.claims[index].
type poolClaim struct {
	index int
	claim Claim
	size  resource.Quantity
}

// poolFit checks that the claims on the LocalVolumePool can bind: each
// claim's modes match the pool's volumes (a PV binds a claim only if its
// access modes include all of the claim's and the volume modes are equal),
// each claim fits enough volumes, and, since a pod runs on one node and
// local volumes are pinned to theirs, each pod finds one volume per claim
// on the same node: counted per node, with one pod per node under hard
// anti-affinity on the pool's node label.
func (v *validator) poolFit(p *validation.Path, claims []poolClaim) {
	pool := v.opts.Pool
	if pool == nil || len(claims) == 0 {
		return
	}
	// Reserved ordinals of an Advanced StatefulSet keep their claims, and
	// so their volumes: count them with the pods.
	need, who := v.spec.OrdinalSpan(), fmt.Sprintf("%d replicas", v.spec.Replicas)
	if r := len(v.spec.Workload.ReserveOrdinals); r > 0 {
		who = fmt.Sprintf("%d replicas and %d reserved ordinal(s) (whose claims are kept)", v.spec.Replicas, r)
	}
	before := v.Len()
	hard := v.spec.Scheduling.AntiAffinity == AntiAffinityHard && v.spec.Scheduling.AntiAffinityTopologyKey == pool.Spec.NodeLabelKey
	for _, pc := range claims {
		cp := p.Index(pc.index)
		if !v.poolModes(cp, pc.claim, pool) {
			continue
		}
		vols, nodes := pool.Fits(pc.size)
		if int32(vols) < need {
			v.Invalid(cp.Child("size"), pc.claim.Size, fmt.Sprintf("the LocalVolumePool %q has %d volume(s) of at least this size, but %s need one each; add volumes to the pool, or lower the size or the replicas", pool.Name, vols, who))
		} else if hard && int32(nodes) < need {
			v.Invalid(schedulingPath().Child("antiAffinity"), string(AntiAffinityHard), fmt.Sprintf("requires one node per pod, but the LocalVolumePool %q has fitting volumes on only %d node(s) for %s; add nodes to the pool, use \"soft\", or lower the replicas", pool.Name, nodes, who))
		}
	}
	k := int32(len(claims))
	if v.Len() == before && k > 1 && int32(len(pool.Volumes)) < k*need {
		v.Invalid(p, k, fmt.Sprintf("claims on the LocalVolumePool %q need %d volumes (%d per pod), but the pool has %d; add volumes to the pool", pool.Name, k*need, k, len(pool.Volumes)))
	}
	if v.Len() > before {
		return
	}
	sizes := make([]resource.Quantity, len(claims))
	for i, pc := range claims {
		sizes[i] = pc.size
	}
	perNode := PodsPerNode(pool, sizes)
	nodes, pods := 0, 0
	for _, n := range perNode {
		if n > 0 {
			nodes++
		}
		pods += n
	}
	switch {
	case hard && int32(nodes) < need:
		v.Invalid(schedulingPath().Child("antiAffinity"), string(AntiAffinityHard), fmt.Sprintf("requires one node per pod, and each pod needs its %d claim(s) on the LocalVolumePool %q on fitting volumes of its own node, but only %d node(s) have them (%s) for %s; add volumes to the pool's nodes, use \"soft\", or lower the sizes or the replicas", k, pool.Name, nodes, describePerNode(perNode), who))
	case !hard && int32(pods) < need:
		v.Invalid(p, k, fmt.Sprintf("each pod needs its %d claim(s) on the LocalVolumePool %q on fitting volumes of one node, and the pool's nodes have room for only %d pod(s) (%s) for %s; add volumes to the pool's nodes, or lower the sizes or the replicas", k, pool.Name, pods, describePerNode(perNode), who))
	}
}

func schedulingPath() *validation.Path { return validation.NewPath("spec").Child("scheduling") }

// poolModes checks a claim's access and volume modes against the pool's,
// and reports whether they match.
func (v *validator) poolModes(cp *validation.Path, c Claim, pool *localpv.Plan) bool {
	ok := true
	for j, m := range c.AccessModes {
		if !slices.Contains(pool.Spec.AccessModes, m) {
			ok = false
			v.Invalid(cp.Child("accessModes").Index(j), string(m), fmt.Sprintf("the volumes of the LocalVolumePool %q have access modes %v, and a volume binds a claim only if its modes include all of the claim's; request %v, or change the pool's accessModes", pool.Name, pool.Spec.AccessModes, pool.Spec.AccessModes[0]))
		}
	}
	if c.VolumeMode != pool.Spec.VolumeMode {
		ok = false
		v.Invalid(cp.Child("volumeMode"), string(c.VolumeMode), fmt.Sprintf("the volumes of the LocalVolumePool %q are %s, and a volume binds only a claim of its own volume mode; set volumeMode %s, or use a pool of %s volumes", pool.Name, pool.Spec.VolumeMode, pool.Spec.VolumeMode, c.VolumeMode))
	}
	return ok
}

// PodsPerNode says, for each node of the pool, how many pods can find one
// volume of at least the given sizes (one per claim on the pool) on it.
// For each count of pods it assigns the claims, largest first, to the
// smallest volume that holds them, which finds an assignment when one
// exists.
func PodsPerNode(pool *localpv.Plan, sizes []resource.Quantity) map[string]int {
	caps := map[string][]resource.Quantity{}
	for i, v := range pool.Spec.Entries() {
		caps[v.Node] = append(caps[v.Node], pool.Capacities[i])
	}
	want := slices.Clone(sizes)
	slices.SortFunc(want, func(a, b resource.Quantity) int { return b.Cmp(a) })
	out := make(map[string]int, len(caps))
	for node, vols := range caps {
		slices.SortFunc(vols, func(a, b resource.Quantity) int { return a.Cmp(b) })
		n := 0
		for len(want) > 0 && (n+1)*len(want) <= len(vols) && fitsPods(vols, want, n+1) {
			n++
		}
		out[node] = n
	}
	return out
}

// fitsPods reports whether pods copies of want (sorted largest first) fit
// in vols (sorted smallest first), one claim per volume.
func fitsPods(vols, want []resource.Quantity, pods int) bool {
	used := make([]bool, len(vols))
	for _, size := range want {
		for range pods {
			i := slices.IndexFunc(vols, func(q resource.Quantity) bool { return q.Cmp(size) >= 0 })
			for i >= 0 && i < len(vols) && used[i] {
				i++
			}
			if i < 0 || i >= len(vols) {
				return false
			}
			used[i] = true
		}
	}
	return true
}

// describePerNode lists the pods each node has room for, e.g. "n0: 1, n1: 0",
// the first ten nodes in order.
func describePerNode(perNode map[string]int) string {
	nodes := slices.Sorted(maps.Keys(perNode))
	var b strings.Builder
	for i, n := range nodes {
		if i == 10 {
			fmt.Fprintf(&b, ", and %d more", len(nodes)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %d", n, perNode[n])
	}
	return "pods per node: " + b.String()
}

// PoolVolumes is the number of the LocalVolumePool's volumes the cluster
// claims: one per pod and claim on the pool; 0 without a pool.
func (p *Plan) PoolVolumes() int {
	pool := p.Options.Pool
	if pool == nil {
		return 0
	}
	k := 0
	for _, c := range p.Spec.Claims {
		if claimClass(c, p.Options) == pool.Spec.StorageClassName {
			k++
		}
	}
	return k * int(p.Spec.Replicas)
}
