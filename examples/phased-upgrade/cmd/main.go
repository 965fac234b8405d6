// Command phased-upgrade runs the phased-upgrade example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	phasedupgrade "github.com/ordinal-dev/ordinal/examples/phased-upgrade"
)

func main() { pulumi.Run(phasedupgrade.Program) }
