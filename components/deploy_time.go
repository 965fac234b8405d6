package components

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// deployTime holds the values the StatefulSet and the init Job are resolved
// with (cluster.Deployed). Plain strings are known when the program runs;
// outputs of other resources (the generated Secret's name, an image from a
// registry resource) are pending until Pulumi resolves them.
type deployTime struct {
	known cluster.Deployed
	// pending inputs by kind; nil when known or absent.
	images       map[string]pulumi.StringInput
	storageClass pulumi.StringInput
	secretName   pulumi.StringInput
}

func newDeployTime(images map[string]pulumi.StringInput, storageClass, secretName pulumi.StringInput) *deployTime {
	dt := &deployTime{known: cluster.Deployed{Images: map[string]string{}}, images: map[string]pulumi.StringInput{}}
	for name, in := range images {
		if s, ok := bridge.Literal(in); ok {
			dt.known.Images[name] = s
		} else {
			dt.images[name] = in
		}
	}
	if s, ok := bridge.Literal(storageClass); ok {
		dt.known.StorageClassName = s
	} else {
		dt.storageClass = storageClass
	}
	if s, ok := bridge.Literal(secretName); ok {
		dt.known.SecretName = s
	} else {
		dt.secretName = secretName
	}
	return dt
}

// pendingValue is one value still to come and where it goes.
type pendingValue struct {
	input pulumi.StringInput
	set   func(d *cluster.Deployed, v string)
}

// pending lists, in a fixed order, the values still to come that an object
// reading r depends on.
func (dt *deployTime) pending(r cluster.Reads) []pendingValue {
	var out []pendingValue
	if r.StorageClass && dt.storageClass != nil {
		out = append(out, pendingValue{dt.storageClass, func(d *cluster.Deployed, v string) { d.StorageClassName = v }})
	}
	if r.Secret && dt.secretName != nil {
		out = append(out, pendingValue{dt.secretName, func(d *cluster.Deployed, v string) { d.SecretName = v }})
	}
	for _, name := range slices.Sorted(maps.Keys(dt.images)) {
		if in := dt.images[name]; slices.Contains(r.Images, name) {
			out = append(out, pendingValue{in, func(d *cluster.Deployed, v string) { d.Images[name] = v }})
		}
	}
	return out
}

// resolveSpec is the spec tree build makes from the deploy-time values that
// an object reading r depends on: built at once when the values are all
// known (literal images, no generated Secret); otherwise built at once too,
// with a placeholder for each pending value, and completed in one Apply that
// writes the values into it. During a preview with unknown values the spec
// is unknown. Either way the spec is sent exactly as build returns it for
// the values (TestResolveSpecFillsWhatBuildMakes).
func resolveSpec(dt *deployTime, r cluster.Reads, build func(cluster.Deployed) (any, error)) (pulumi.AnyOutput, error) {
	pending := dt.pending(r)
	withValues := func(vals ...string) (any, error) {
		d := dt.known
		d.Images = make(map[string]string, len(dt.known.Images)+len(vals))
		for k, v := range dt.known.Images {
			d.Images[k] = v
		}
		for i, p := range pending {
			p.set(&d, vals[i])
		}
		return build(d)
	}
	if len(pending) == 0 {
		spec, err := withValues()
		if err != nil {
			return pulumi.AnyOutput{}, err
		}
		return bridge.Input(spec), nil
	}
	// The spec is built here, not in the Apply: there, the conversion would
	// work on a deep copy, on a fresh goroutine's stack (BENCHMARKS.md).
	placeholders := bridge.Placeholders(len(pending))
	spec, err := withValues(placeholders...)
	if err != nil {
		return pulumi.AnyOutput{}, err
	}
	holes := bridge.FindHoles(spec, placeholders)
	fill := func(vals []string) (any, error) {
		if slices.Contains(vals, "") {
			// An empty value is not written but resolved (an empty image
			// leaves the container's own): build again.
			return withValues(vals...)
		}
		holes.Fill(vals)
		return spec, nil
	}
	if len(pending) == 1 {
		return pending[0].input.ToStringOutput().ApplyT(func(v string) (any, error) { return fill([]string{v}) }).(pulumi.AnyOutput), nil
	}
	inputs := make([]any, len(pending))
	for i, p := range pending {
		inputs[i] = p.input
	}
	return pulumi.All(inputs...).ApplyT(func(vals []any) (any, error) {
		strs := make([]string, len(vals))
		for i, v := range vals {
			strs[i], _ = v.(string)
		}
		return fill(strs)
	}).(pulumi.AnyOutput), nil
}
