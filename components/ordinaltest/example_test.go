package ordinaltest_test

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// A test runs the program under the mocks, then looks at what it
// registered and at the component's outputs. In a test, use Run(t, ...),
// rec.Find(t, ...) and Await[T](t, ...), which fail the test instead of
// returning errors.
func Example() {
	var net *components.HeadlessNetwork
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		var err error
		net, err = components.NewHeadlessNetwork(ctx, "kv", &components.HeadlessNetworkArgs{
			Spec: network.Spec{
				Replicas: 3,
				Ports:    []network.Port{{Name: "grpc", Port: 2379, Client: true, Peer: true}},
				Client:   &network.ClientService{},
			},
		})
		return err
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Keys())

	headless, _ := rec.Lookup(kubetypes.Service, "kv-headless")
	clusterIP, _ := headless.Lookup("spec.clusterIP")
	fmt.Println("clusterIP:", clusterIP)

	peers, _ := ordinaltest.Resolve[string](net.PeerList)
	fmt.Println("peers:", peers.Value)
	// Output:
	// [kubernetes:core/v1:Service::kv-client kubernetes:core/v1:Service::kv-headless ordinal:index:HeadlessNetwork::kv]
	// clusterIP: None
	// peers: kv-0.kv.default.svc.cluster.local:2379,kv-1.kv.default.svc.cluster.local:2379,kv-2.kv.default.svc.cluster.local:2379
}

// Invalid arguments fail before anything is registered.
func ExampleRunErr() {
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		_, err := components.NewHeadlessNetwork(ctx, "kv", &components.HeadlessNetworkArgs{
			Spec: network.Spec{Replicas: 0, Ports: []network.Port{{Name: "grpc", Port: 2379}}},
		})
		return err
	})
	fmt.Println(err)
	fmt.Println("registered:", rec.Count())
	// Output:
	// HeadlessNetwork "kv": spec.replicas: must be >= 1, got 0
	// registered: 0
}

// Config and secret config come from options, never from the environment.
func ExampleWithSecret() {
	_, _ = ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		image, _ := ctx.GetConfig("shop:image")
		fmt.Println("image:", image, "secret:", ctx.IsConfigSecret("shop:image"))
		fmt.Println("password secret:", ctx.IsConfigSecret("shop:password"))
		return nil
	},
		ordinaltest.WithProject("shop"),
		ordinaltest.WithConfig(map[string]string{"image": "postgres:17"}),
		ordinaltest.WithSecret("password", "s3cret"))
	// Output:
	// image: postgres:17 secret: false
	// password secret: true
}

// Objects without metadata.name get a predictable autoname, and a
// namespace like the provider's default.
func ExampleAutoName() {
	var secret *corev1.Secret
	rec, _ := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		var err error
		secret, err = corev1.NewSecret(ctx, "creds", &corev1.SecretArgs{
			StringData: pulumi.StringMap{"password": pulumi.String("s3cret")},
		})
		return err
	})
	name, _ := ordinaltest.Resolve[*string](secret.Metadata.Name())
	fmt.Println(*name.Value == ordinaltest.AutoName("creds"))

	r, _ := rec.Lookup(kubetypes.Secret, "creds")
	fmt.Println(r.ID == "default/"+ordinaltest.AutoName("creds"))
	fmt.Println("stringData secret:", r.IsSecret("stringData.password"))
	// Output:
	// true
	// true
	// stringData secret: true
}

// Resolve reports whether an output is a secret.
func ExampleResolve() {
	r, err := ordinaltest.Resolve[string](pulumi.ToSecret(pulumi.String("s3cret")))
	fmt.Println(r.Value, r.Known, r.Secret, err)
	// Output:
	// s3cret true true <nil>
}
