package bench

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// impl is one way of writing the same program.
type impl struct {
	name    string
	program func(n int) pulumi.RunFunc
}

// impls are the programs every comparison runs: ordinal's components, the
// hand-written baseline, and the floor (the baseline's objects under empty
// component resources, see floorProgram). Sub-benchmark names use the key=value
// form, so `benchstat -col /impl` puts them side by side.
var impls = []impl{
	{"impl=component", componentProgram},
	{"impl=baseline", baselineProgram},
	{"impl=floor", floorProgram},
}

// runB runs program under the mocks b.N times. Besides wall time it
// reports cpu-ns/op, the CPU time of the whole process (every goroutine and
// the garbage collector) per run, which a machine shared with other work
// disturbs much less than wall time.
func runB(b *testing.B, program pulumi.RunFunc) (cpuPerOp float64) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		if err := run(program, echoMocks{}); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp = float64((cpuTime(b) - start).Nanoseconds()) / float64(b.N)
	b.ReportMetric(cpuPerOp, "cpu-ns/op")
	return cpuPerOp
}

// cpuTime is the user and system CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDatabaseCluster registers the benchmark cluster (3 replicas on
// a 3-volume LocalVolumePool, init Job, PDB, projected config) under
// Pulumi mocks: with the components, and typed out by hand.
func BenchmarkDatabaseCluster(b *testing.B) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) { runB(b, im.program(1)) })
	}
}

// BenchmarkDatabaseClusterRatio runs the component, the baseline and the
// floor (floorProgram) in every iteration, rotating which goes first, and
// reports each one's wall time and the ratios of wall and CPU times:
// ratio and cpu-ratio are component/baseline, floor-ratio and
// floor-cpu-ratio are floor/baseline (what the SDK charges for component
// resources at all), and over-floor-cpu is component/floor (what ordinal's
// own code costs). All three see the same machine load, which makes the
// ratios steadier than ones computed from separate benchmarks on a shared
// machine. (Garbage one program leaves can be collected while another runs,
// which pulls the ratios towards 1; the separate benchmarks do not have
// that bias.)
func BenchmarkDatabaseClusterRatio(b *testing.B) {
	const component, baseline, floor = 0, 1, 2
	programs := [3]pulumi.RunFunc{componentProgram(1), baselineProgram(1), floorProgram(1)}
	var wall, cpu [3]time.Duration
	timed := func(side int) {
		start, startCPU := time.Now(), cpuTime(b)
		if err := run(programs[side], echoMocks{}); err != nil {
			b.Fatal(err)
		}
		wall[side] += time.Since(start)
		cpu[side] += cpuTime(b) - startCPU
	}
	i := 0
	for b.Loop() {
		for k := range 3 {
			timed((i + k) % 3)
		}
		i++
	}
	ratio := func(d [3]time.Duration, a, b int) float64 { return float64(d[a]) / float64(d[b]) }
	b.ReportMetric(float64(wall[component].Nanoseconds())/float64(i), "component-ns/op")
	b.ReportMetric(float64(wall[baseline].Nanoseconds())/float64(i), "baseline-ns/op")
	b.ReportMetric(float64(wall[floor].Nanoseconds())/float64(i), "floor-ns/op")
	b.ReportMetric(ratio(wall, component, baseline), "ratio")
	b.ReportMetric(ratio(cpu, component, baseline), "cpu-ratio")
	b.ReportMetric(ratio(wall, floor, baseline), "floor-ratio")
	b.ReportMetric(ratio(cpu, floor, baseline), "floor-cpu-ratio")
	b.ReportMetric(ratio(cpu, component, floor), "over-floor-cpu")
}

// BenchmarkClusters registers 1, 10 and 100 benchmark clusters (each on
// its own pool) in one program and reports the cost per cluster.
func BenchmarkClusters(b *testing.B) {
	for _, im := range impls {
		for _, n := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("%s/clusters=%d", im.name, n), func(b *testing.B) {
				cpu := runB(b, im.program(n))
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/cluster")
				b.ReportMetric(cpu/float64(n), "cpu-ns/cluster")
			})
		}
	}
}

// BenchmarkLocalVolumePool registers one pool of 10, 100 and 1,000 PVs
// and reports the cost per PV.
func BenchmarkLocalVolumePool(b *testing.B) {
	for _, im := range []impl{{"impl=component", poolProgram}, {"impl=baseline", baselinePoolProgram}} {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/pvs=%d", im.name, n), func(b *testing.B) {
				cpu := runB(b, im.program(n))
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/PV")
				b.ReportMetric(cpu/float64(n), "cpu-ns/PV")
			})
		}
	}
}

// BenchmarkPlan is the Pulumi-free planning alone: localpv.New and
// cluster.New of the benchmark cluster, validation included. It reports
// the Kubernetes objects planned per second.
func BenchmarkPlan(b *testing.B) {
	b.ReportAllocs()
	objects := 0
	for b.Loop() {
		pool, err := localpv.New("local-ssd", poolSpec(3))
		if err != nil {
			b.Fatal(err)
		}
		p, err := cluster.New("db", clusterSpec(), cluster.Options{DeployTimeImages: []string{"db"}, Pool: pool, SecretKeys: []string{"password"}})
		if err != nil {
			b.Fatal(err)
		}
		objects += planObjects(pool, p)
	}
	b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
}

// planObjects counts the Kubernetes objects of a pool and a cluster plan.
func planObjects(pool *localpv.Plan, p *cluster.Plan) int {
	n := 1 + len(pool.Volumes) // StorageClass and PVs
	for _, present := range []bool{
		p.StatefulSet != nil, p.Network.Service != nil, p.Network.ClientService != nil,
		p.PDB != nil, p.InitJob != nil, p.ConfigMap != nil, p.Secret != nil, p.NetworkPolicy != nil,
	} {
		if present {
			n++
		}
	}
	return n
}
