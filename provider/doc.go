// Package provider serves ordinal's components to every Pulumi language: it
// is the plugin pulumi-resource-ordinal (cmd/pulumi-resource-ordinal), a
// component provider whose Construct calls the same constructors Go
// programs call (components.NewDatabaseCluster, NewLocalVolumePool,
// NewHeadlessNetwork). A stack registers the same type tokens and the same
// child resources with the same names from any language, so moving a stack
// from Go to TypeScript, Python or YAML replaces nothing.
//
// One source of truth. The schema is derived from the Go types the
// components plan with (cluster.Spec, network.Spec, localpv.Spec and the
// engine profiles' options), by reflection for the shapes and from their
// doc comments for the descriptions (schema.go, docs.go): there is no
// second copy of the fields to keep in step. Kubernetes types inside them
// (Container, Volume, Affinity...) are $refs into the kubernetes package's
// schema, as pulumi-eks does. schema.json is the generated file, embedded
// in the plugin; TestSchemaIsCurrent fails when it is stale and
// `go run ./provider/cmd/gen-schema` writes it anew.
//
// Inputs. Everything that decides which resources exist (spec, engine,
// deletion, protection) is plain: it must be known when the program runs,
// as in Go. Namespace, images, the storage class and secret values are
// Pulumi inputs and may come from other resources. The plain spec arrives
// as a map in the schema's names; decode.go turns it into the Go type with
// encoding/json (property names are the Go field names in lowerCamelCase,
// Kubernetes types keep their JSON names) after checking every key against
// the type, so a misspelt field is an error naming its path. Validation is
// then exactly the Go components' own, with the same field paths.
//
// The SDK's provider.ComponentMain serves the gRPC protocol; this package
// needs neither pulumi/pkg nor pulumi-go-provider, so Go users of the
// library pull in nothing new.
package provider
