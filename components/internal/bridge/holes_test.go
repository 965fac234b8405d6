package bridge

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHolesFillEveryPlaceholder(t *testing.T) {
	p := Placeholders(2)
	require.NotEqual(t, p[0], p[1])
	require.NotEqual(t, p, Placeholders(2), "placeholders are random")
	tree := map[string]any{
		"image": p[0],
		"name":  "db",
		"volumes": []any{
			map[string]any{"secret": map[string]any{"secretName": p[1]}},
			p[1],
			"plain",
		},
		"empty": emptyList,
	}
	FindHoles(tree, p).Fill([]string{"reg/db:2", "db-secret-x1"})
	assert.Equal(t, map[string]any{
		"image": "reg/db:2",
		"name":  "db",
		"volumes": []any{
			map[string]any{"secret": map[string]any{"secretName": "db-secret-x1"}},
			"db-secret-x1",
			"plain",
		},
		"empty": []any{},
	}, tree)
}
