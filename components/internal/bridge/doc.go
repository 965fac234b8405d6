// Package bridge turns plain k8s.io/api values into what the Pulumi Go SDK
// sends the engine for the pulumi-kubernetes SDK's types, so a plan built
// without Pulumi registers as typed resources. It is the only place where
// the two type systems meet.
//
// The definition of the conversion is a JSON round trip: marshal the
// k8s.io/api value, unmarshal it into the SDK's plain struct of the same
// Kubernetes type (whose untagged fields match Kubernetes' JSON names
// case-insensitively), and register that struct as an already-resolved
// output, with one deliberate exception: an unset (zero) downward-API
// divisor is left out instead of sent as "0" (see omitted). Tree and
// AwaitedTree give the property tree the engine receives in that case
// directly, from a converter compiled once per pair of types, so what the
// components send never depends on how it was computed, while neither the
// round trip nor the SDK's walk over every field of every struct is paid
// on each registration.
package bridge
