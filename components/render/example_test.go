package render_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// A program renders itself when its stack config sets "render": FromConfig
// registers the render provider and every object of the cluster goes to
// it. In a real program the same calls run in pulumi.Run, and
//
//	pulumi config set render "$PWD/rendered"
//	pulumi up --yes
//
// writes rendered/1-manifest/apps_v1-statefulset-default-zk.yaml and the
// other objects' files. Here the program runs under the mocks of
// ordinaltest.
func ExampleFromConfig() {
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		opts, err := render.FromConfig(ctx)
		if err != nil {
			return err
		}
		_, err = components.NewDatabaseCluster(ctx, "zk", &components.DatabaseClusterArgs{
			Spec: engines.ZooKeeper("zk", engines.ZooKeeperOptions{}),
		}, opts...)
		return err
	}, ordinaltest.WithConfig(map[string]string{render.ConfigKey: "/srv/manifests/zk"}))
	if err != nil {
		panic(err)
	}
	p, _ := rec.Lookup(kubetypes.Provider, render.ProviderName)
	dir, _ := p.Lookup("renderYamlToDirectory")
	fmt.Println("objects are written under", dir)
	fmt.Println(rec.Names(kubetypes.StatefulSet, kubetypes.ConfigMap))
	// Output:
	// objects are written under /srv/manifests/zk
	// [zk-config-88f395ec0a zk-lifetime zk-statefulset]
}
