package reliability

import (
	"testing"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/render"
)

// The fuzz targets derive a spec from the fuzzed values (see gen_test.go)
// and check checkPlanned's properties: no panic; a refusal is a
// *validation.Error with at least one problem, naming the component;
// an accepted spec renders to YAML that parses back into the same objects,
// renders identically twice, and has names, labels and selectors the
// apimachinery validation accepts. Seeds: the f.Add calls below plus the
// files in testdata/fuzz/<target>/.

// FuzzDatabaseCluster fuzzes components.PlanDatabaseCluster (the
// DatabaseCluster's full validation) and pkg/cluster planning.
func FuzzDatabaseCluster(f *testing.F) {
	f.Add("db", int32(3), int32(26257), int32(0), "10Gi", "/var/lib/data", "", []byte{})
	f.Add("zk", int32(5), int32(2181), int32(2), "1Gi", "/data", "Parallel", []byte{1, 2, 3, 0, 1, 0, 2, 0, 0, 3})
	f.Add("0db", int32(1), int32(1), int32(1), "500Mi", "/d", "hard", []byte{0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2})
	f.Add("db", int32(0), int32(0), int32(-1), "-1Gi", "rel/path", "bogus", []byte{255, 254, 253})
	f.Add("a", int32(7), int32(65535), int32(7), "1Ti", "/", "x", []byte("\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03"))
	for _, in := range seededDBInputs(7, 8) {
		f.Add(in.Name, in.Replicas, in.Port, in.Partition, in.Size, in.Path, in.Mode, in.Data)
	}
	f.Fuzz(func(t *testing.T, name string, replicas, port, partition int32, size, path, mode string, data []byte) {
		in := dbInput{Name: name, Replicas: replicas, Port: port, Partition: partition, Size: size, Path: path, Mode: mode, Data: data}
		checkPlanned(t, cluster.Kind, name, func() ([]render.Object, []byte, error) { return planDB(in) })
	})
}

// FuzzLocalVolumePool fuzzes pkg/localpv validation and planning.
func FuzzLocalVolumePool(f *testing.F) {
	f.Add("disks", "node-0", "/mnt/disks/ssd0", "100Gi", "", []byte{1})
	f.Add("local-ssd", "worker.example.com", "/dev/nvme1n1", "1Ti", "Block", []byte{3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2})
	f.Add("x", "", "mnt", "0", "Recycle", []byte{0, 3, 3, 3})
	f.Add("Pool", "Node_A.b", "/mnt//a/", "-5Gi", "bad key!", []byte{255, 255, 255, 255})
	for _, in := range seededPoolInputs(7, 8) {
		f.Add(in.Name, in.Node, in.Path, in.Capacity, in.Mode, in.Data)
	}
	f.Fuzz(func(t *testing.T, name, node, path, capacity, mode string, data []byte) {
		in := poolInput{Name: name, Node: node, Path: path, Capacity: capacity, Mode: mode, Data: data}
		checkPlanned(t, localpv.Kind, name, func() ([]render.Object, []byte, error) { return planPool(in) })
	})
}

// FuzzHeadlessNetwork fuzzes pkg/network validation and planning.
func FuzzHeadlessNetwork(f *testing.F) {
	f.Add("net", "sql", int32(5432), int32(3), "", []byte{})
	f.Add("zk", "client", int32(2181), int32(5), "Local", []byte{1, 1, 2, 1, 1, 2, 2})
	f.Add("9net", "peer", int32(0), int32(0), "NodePort", []byte{2, 2, 2, 2, 2, 2, 2, 2})
	f.Add("n", "way-too-long-port-name", int32(70000), int32(-1), "ICMP", []byte{255, 3, 7})
	for _, in := range seededNetInputs(7, 8) {
		f.Add(in.Name, in.PortName, in.Port, in.Replicas, in.Mode, in.Data)
	}
	f.Fuzz(func(t *testing.T, name, portName string, port, replicas int32, mode string, data []byte) {
		in := netInput{Name: name, PortName: portName, Port: port, Replicas: replicas, Mode: mode, Data: data}
		checkPlanned(t, network.Kind, name, func() ([]render.Object, []byte, error) { return planNet(in) })
	})
}
