// Command projected-config runs the projected-config example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	projectedconfig "github.com/ordinal-dev/ordinal/examples/projected-config"
)

func main() { pulumi.Run(projectedconfig.Program) }
