// Command zookeeper runs the zookeeper example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/examples/zookeeper"
)

func main() { pulumi.Run(zookeeper.Program) }
