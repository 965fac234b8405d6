// Command etcd runs the etcd example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/examples/etcd"
)

func main() { pulumi.Run(etcd.Program) }
