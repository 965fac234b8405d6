// Command gen-schema writes provider/schema.json from the Go types and
// their doc comments: run it from the module root after changing a spec
// type (`go run ./provider/cmd/gen-schema`); TestSchemaIsCurrent fails
// until it has run.
package main

import (
	"fmt"
	"os"

	"github.com/ordinal-dev/ordinal/provider"
)

func main() {
	if err := provider.WriteSchema("."); err != nil {
		fmt.Fprintf(os.Stderr, "gen-schema: %v\n", err)
		os.Exit(1)
	}
}
