package cluster

// Unexported helpers, for the tests.
var (
	Below          = below
	ResourcesValid = resourcesValid
	WithSelector   = withSelector
)

// MountSource renders what a container mounts, as messages name it.
func MountSource(kind, name string) string { return mountSource{kind, name}.String() }

// ClaimClass is claimClass: the storage class of a claim, which the claim
// templates are built with and the pool's capacity is checked for.
var ClaimClass = claimClass
