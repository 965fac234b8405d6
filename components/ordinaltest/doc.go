// Package ordinaltest helps unit-test Pulumi Go programs, and the ordinal
// components in them, with Pulumi's mocks: no engine, no cluster, and a run
// takes milliseconds.
//
// Run executes a program under a Recorder (a pulumi.MockResourceMonitor)
// and returns once every resource is registered and every output resolved.
// The Recorder keeps every resource the program registered: its type token,
// name, URN, parent, inputs (as a resource.PropertyMap and as plain Go
// values) and the resource options the engine received (protect,
// retainOnDelete, deleteBeforeReplace, replaceOnChanges, dependencies).
// Kubernetes resources get outputs like the real provider gives them:
// inputs echoed back, metadata.name filled in for autonamed objects
// (AutoName), metadata.namespace "default" when unset.
//
//	func TestStack(t *testing.T) {
//		var db *components.DatabaseCluster
//		rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
//			var err error
//			db, err = components.NewDatabaseCluster(ctx, "db", args)
//			return err
//		}, ordinaltest.WithConfig(map[string]string{"image": "postgres:17"}),
//			ordinaltest.WithSecret("password", "s3cret"))
//
//		sts := rec.Find(t, "kubernetes:apps/v1:StatefulSet", "db-statefulset")
//		assert.Equal(t, 3.0, sts.Get(t, "spec.replicas"))
//		assert.Equal(t, "orphan", sts.Get(t, `metadata.annotations["pulumi.com/deletionPropagationPolicy"]`))
//		assert.Equal(t, []string{"db-0.db.default.svc.cluster.local"}, ordinaltest.Await[[]string](t, db.PodFQDNs)[:1])
//	}
//
// Numbers in plain values are float64, as in every Pulumi property map.
// Property paths use Pulumi's syntax: "a.b[0].c" or `a["key.with.dots"]`.
//
// RunErr returns the program's error instead of failing the test, to check
// that invalid arguments are rejected before anything is registered:
//
//	rec, err := ordinaltest.RunErr(program)
//	require.Error(t, err)
//	assert.Zero(t, rec.Count())
//
// Await and AwaitSecret read an output's value once the run is over;
// AwaitSecret also reports whether the value is a secret. Resolve is the
// variant that returns an error instead of failing a test.
//
// WithPreview runs the program as a preview. Inputs that are unknown then
// (for example a value computed from pulumi.UnsafeUnknownOutput) are absent
// from Inputs and Plain: the mock monitor drops unknown values.
//
// Mocks cannot show what only the engine does: unknown values during a
// real preview, diffs, replacements, or provider-side validation. Test
// those against a cluster (the repository's e2e tests do).
package ordinaltest
