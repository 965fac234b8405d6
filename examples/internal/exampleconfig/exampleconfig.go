package exampleconfig

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// DefaultNodes are the nodes of the local cluster the examples use
// (see scripts/cluster.sh).
var DefaultNodes = []string{"node-0", "node-1", "node-2"}

// List reads a comma-separated list ("node-0,node-1"), trimming blanks and
// dropping empty entries; def when the key is unset or empty.
func List(cfg *config.Config, key string, def []string) []string {
	var out []string
	for _, s := range strings.Split(cfg.Get(key), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return append([]string(nil), def...)
	}
	return out
}

// String reads key, or def when it is unset or empty.
func String(cfg *config.Config, key, def string) string {
	if v := strings.TrimSpace(cfg.Get(key)); v != "" {
		return v
	}
	return def
}

// Int32 reads key as a whole number, or def when it is unset or empty. A
// value that is not a number is an error naming the key.
func Int32(cfg *config.Config, key string, def int32) (int32, error) {
	v := strings.TrimSpace(cfg.Get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("config %q: %q is not a whole number", key, v)
	}
	return int32(n), nil
}
