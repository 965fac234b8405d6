package labels

import "maps"

// Recommended label keys.
const (
	Name      = "app.kubernetes.io/name"
	Instance  = "app.kubernetes.io/instance"
	Component = "app.kubernetes.io/component"
	PartOf    = "app.kubernetes.io/part-of"
	ManagedBy = "app.kubernetes.io/managed-by"
	Version   = "app.kubernetes.io/version"
)

// ManagedByValue is the value of app.kubernetes.io/managed-by on every object
// ordinal creates.
const ManagedByValue = "ordinal"

// Identity names one group of objects (a cluster's database pods, its init
// Job, a volume pool).
type Identity struct {
	// Name is the application, e.g. "cockroachdb"; defaults to Instance.
	Name string
	// Instance is the component's name; unique per namespace.
	Instance string
	// Component is the role, e.g. "database", "init", "storage".
	Component string
	// PartOf is the larger application, optional.
	PartOf string
	// Version is the application version, optional.
	Version string
}

// Selector returns the immutable labels that select this identity's pods.
func (id Identity) Selector() map[string]string {
	return map[string]string{
		Instance:  id.Instance,
		Component: id.Component,
	}
}

// Labels returns the recommended labels merged over extra: the user's labels
// are kept, but cannot override the selector labels, or the workload would
// stop selecting its own pods.
func (id Identity) Labels(extra map[string]string) map[string]string {
	out := make(map[string]string, len(extra)+6)
	out[Name] = id.Instance
	if id.Name != "" {
		out[Name] = id.Name
	}
	out[ManagedBy] = ManagedByValue
	if id.PartOf != "" {
		out[PartOf] = id.PartOf
	}
	if id.Version != "" {
		out[Version] = id.Version
	}
	maps.Copy(out, extra)
	// The selector labels, last: see Selector.
	out[Instance] = id.Instance
	out[Component] = id.Component
	return out
}

// Merge returns a new map with b's entries over a's; nil when both are empty.
func Merge(a, b map[string]string) map[string]string {
	switch {
	case len(a)+len(b) == 0:
		return nil
	case len(b) == 0:
		return maps.Clone(a)
	case len(a) == 0:
		return maps.Clone(b)
	}
	out := make(map[string]string, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}
