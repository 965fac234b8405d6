//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/components"
)

// TestSharedClaimIsRefused is issue 17, item 2, on the real engine: a
// cluster "x" with claim "data-db" and a cluster "db-x" with claim "data"
// would both make the claim data-db-x-0, and two databases would mount one
// volume. The second cluster is refused before it registers anything: the
// `up` fails naming the claim, and no object of "db-x" reaches the
// namespace (the pool and cluster "x", valid on their own and registered
// before, may have been created by then).
func TestSharedClaimIsRefused(t *testing.T) {
	ns := namespace(t, "e2e-shared-claim", nil)
	pool := "e2e-shared-pool"
	deletePoolVolumes(t, pool)
	program := func(ctx *pulumi.Context) error {
		p := defaultParams(ns, "x", pool)
		lvp, err := components.NewLocalVolumePool(ctx, pool, poolArgs(p))
		if err != nil {
			return err
		}
		for _, c := range []struct{ name, claim string }{{"x", "data-db"}, {"db-x", "data"}} {
			spec := clusterSpec(defaultParams(ns, c.name, pool))
			spec.Replicas = 1
			spec.Claims[0].Name = c.claim
			spec.Claims[0].MountPath = "/" + c.claim
			if _, err := components.NewDatabaseCluster(ctx, c.name, &components.DatabaseClusterArgs{
				Namespace: pulumi.String(ns), Spec: spec, Image: pulumi.String(p.Image), Pool: lvp,
			}); err != nil {
				return err
			}
		}
		return nil
	}
	s := newInlineStack(t, "shared-claim", program)
	start := time.Now()
	_, err := s.tryUp("two clusters, one claim name")
	require.Error(t, err)
	assert.ErrorContains(t, err, `PersistentVolumeClaim "data-db-x-0"`)
	t.Logf("refused in %s", time.Since(start).Round(100*time.Millisecond))
	var objs struct {
		Items []struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		} `json:"items"`
	}
	getJSON(t, &objs, "statefulset,service,configmap,secret,pdb,job", "-n", ns)
	for _, o := range objs.Items {
		assert.NotEqual(t, "db-x", o.Metadata.Labels["app.kubernetes.io/instance"], "%s %s of the refused cluster", o.Kind, o.Metadata.Name)
	}
	var sts appsv1.StatefulSetList
	getJSON(t, &sts, "statefulset", "-n", ns)
	mounting := 0
	for _, st := range sts.Items {
		for _, c := range st.Spec.VolumeClaimTemplates {
			if c.Name+"-"+st.Name == "data-db-x" {
				mounting++
			}
		}
	}
	assert.LessOrEqual(t, mounting, 1, "at most one StatefulSet makes the claim data-db-x-0")
	s.destroy("shared claim")
}
