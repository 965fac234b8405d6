// Command mysql runs the mysql example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/examples/mysql"
)

func main() { pulumi.Run(mysql.Program) }
