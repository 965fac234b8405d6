// Command pulumi-resource-ordinal is ordinal's Pulumi plugin: it serves
// DatabaseCluster, LocalVolumePool and HeadlessNetwork to programs in any
// Pulumi language (see package provider).
package main

import (
	"fmt"
	"os"

	pprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/ordinal-dev/ordinal/provider"
)

func main() {
	if err := pprovider.ComponentMain(provider.Name, provider.Version, provider.SchemaJSON, provider.Construct); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-ordinal: %v\n", err)
		os.Exit(1)
	}
}
