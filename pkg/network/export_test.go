package network

// Unexported helpers, for the tests.
var (
	ClientPorts    = clientPorts
	HasClientPorts = hasClientPorts
)
