package components

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Contexts shared under one key check their components against each
// other, as the contexts of one program do (a component provider gets a
// context per component); a component constructed again replaces its own
// claims; other keys start empty.
func TestShareStackNames(t *testing.T) {
	key := fmt.Sprintf("%s/%p", t.Name(), t)
	var pool *LocalVolumePool
	construct := func(share string, f func(ctx *pulumi.Context) error) error {
		_, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
			ShareStackNames(ctx, share)
			return f(ctx)
		})
		return err
	}
	db := func(name string) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			_, err := NewDatabaseCluster(ctx, name, stackDB("data", func(a *DatabaseClusterArgs) { a.Pool = pool }))
			return err
		}
	}
	require.NoError(t, construct(key, func(ctx *pulumi.Context) (err error) {
		pool, err = NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: localpv.Spec{Nodes: []string{"n0", "n1", "n2", "n3"}, Path: "/mnt/d", Capacity: "10Gi"}})
		return err
	}))
	require.NoError(t, construct(key, db("a")), "the pool has room for a")
	require.NoError(t, construct(key, db("a")), "a constructed again replaces its own claims")

	err := construct(key, db("b"))
	var verr *validation.Error
	require.ErrorAs(t, err, &verr, "b does not fit beside a")
	assert.Equal(t, []string{"pool"}, verr.Fields())
	assert.Contains(t, err.Error(), `the LocalVolumePool "disks" has 4 volumes, DatabaseCluster "a" already claim 3 of them, and this cluster needs 3 more`)

	err = construct(key, func(ctx *pulumi.Context) error {
		_, err := NewLocalVolumePool(ctx, "more", &LocalVolumePoolArgs{Spec: localpv.Spec{Nodes: []string{"n0"}, Path: "/mnt/d", Capacity: "10Gi"}})
		return err
	})
	require.ErrorAs(t, err, &verr, "another pool on a disk of the first")
	assert.Contains(t, err.Error(), `is also made by LocalVolumePool "disks"`)

	require.NoError(t, construct(key+"/other", db("b")), "another key starts empty")
}
