// Command cockroach runs the cockroach example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/examples/cockroach"
)

func main() { pulumi.Run(cockroach.Program) }
