// Package bench measures ordinal's components against what users would
// write instead.
//
// The Go benchmarks (go test -bench . -benchmem ./tests/bench/) register a
// DatabaseCluster on a LocalVolumePool under Pulumi mocks and compare it with
// a program that registers the same Kubernetes objects directly as
// pulumi-kubernetes resources; they also measure growth (many clusters in
// one program, pools of many volumes) and the Pulumi-free planning in pkg/.
// TestBaselineMatchesComponent checks that both programs really register
// the same objects with the same inputs, so the comparison is fair.
//
// The engine benchmarks (scripts/bench.sh engine, driven by the enginebench
// command in this directory) time `pulumi preview` and `pulumi up` of the
// default example against YAML and kubectl baselines on a local control
// plane. See BENCHMARKS.md at the repository root for the results.
package bench
