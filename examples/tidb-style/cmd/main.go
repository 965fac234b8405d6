// Command tidb-style runs the tidb-style example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	tidbstyle "github.com/ordinal-dev/ordinal/examples/tidb-style"
)

func main() { pulumi.Run(tidbstyle.Program) }
