// Command web runs the web example as a Pulumi program.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/examples/web"
)

func main() { pulumi.Run(web.Program) }
