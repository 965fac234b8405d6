package cluster

// Unexported helpers, for the tests.
var (
	Below          = below
	ResourcesValid = resourcesValid
	WithSelector   = withSelector
)

// MountSource renders what a container mounts, as messages name it.
func MountSource(kind, name string) string { return mountSource{kind, name}.String() }
