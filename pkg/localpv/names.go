package localpv

import (
	"cmp"
	"maps"
	"slices"

	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// name is the PV name of a volume of the pool of class: its own Name, else
// the generated VolumeName.
func (v Volume) name(class string) string { return cmp.Or(v.Name, VolumeName(class, v)) }

// ResourceNames are the Pulumi resource names of the PVs, in the order of
// Volumes: the generated VolumeName of each, whatever Volume.Name says. A
// component registers each PV under it, so that naming a volume changes
// its metadata.name only, never its URN.
func (p *Plan) ResourceNames() []string {
	out := make([]string, 0, len(p.Volumes))
	for _, v := range p.Spec.entries() {
		out = append(out, VolumeName(p.Spec.StorageClassName, v))
	}
	return out
}

// volumeLabels are the labels of a volume's PV: the pool's, the volume's
// own, then NodeLabel and the pool's selector labels, which always win
// (also in a plan whose spec was not checked).
func volumeLabels(pool map[string]string, v Volume) map[string]string {
	if len(v.Labels) == 0 {
		return nodeLabels(pool, v.Node)
	}
	out := labels.Merge(pool, v.Labels)
	for _, k := range []string{labels.Instance, labels.Component} {
		if val, ok := pool[k]; ok {
			out[k] = val
		}
	}
	out[NodeLabel] = v.Node
	return out
}

// checkVolumeNames checks the names and labels of spec.volumes (defaults
// applied): each name is an RFC 1123 subdomain, no two PVs of the pool
// share a name (named or generated), and no labels set those ordinal sets.
func checkVolumeNames(l *validation.List, root *validation.Path, spec Spec) {
	named := false
	for i, v := range spec.Volumes {
		p := root.Child("volumes").Index(i)
		if v.Name != "" {
			named = true
			l.DNSSubdomain(p.Child("name"), v.Name)
		}
		lp := p.Child("labels")
		l.Labels(lp, v.Labels)
		for _, k := range slices.Sorted(maps.Keys(v.Labels)) {
			switch k {
			case labels.Instance, labels.Component:
				l.Forbidden(lp.Key(k), "this label selects the pool's objects and is set by ordinal; remove it or use another key")
			case NodeLabel:
				l.Forbidden(lp.Key(k), "ordinal sets this label to the volume's node; remove it")
			}
		}
	}
	if !named {
		return // generated names are unique: node and path are
	}
	// The generated names first: only a named volume can take a name twice.
	taken := map[string]string{}
	for i, v := range spec.entries() {
		if i >= len(spec.Nodes) && v.Name != "" {
			continue
		}
		if v.Node != "" {
			taken[VolumeName(spec.StorageClassName, v)] = entryPath(root, spec, i)
		}
	}
	for i, v := range spec.Volumes {
		if v.Name == "" {
			continue
		}
		p := root.Child("volumes").Index(i).Child("name")
		if prev, dup := taken[v.Name]; dup {
			l.Duplicate(p, v.Name, prev+" already has a PersistentVolume of this name; give each volume a name of its own")
			continue
		}
		taken[v.Name] = p.String()
	}
}
