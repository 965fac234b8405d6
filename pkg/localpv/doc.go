// Package localpv plans a LocalVolumePool: one StorageClass for statically
// provisioned local disks (provisioner kubernetes.io/no-provisioner, binding
// delayed until a pod is scheduled) and one PersistentVolume per (node, path),
// pinned to its node by a required nodeAffinity.
//
// Kubernetes never creates or wipes local volumes. The pool therefore keeps
// data by default: reclaim policy Retain, and PV names derived from node and
// path (never from list positions), so reordering or extending the node list
// leaves existing volumes untouched. A volume may carry a name of its own
// (Volume.Name, e.g. "pv-bini-0") and labels of its own.
//
// New (or Make, on a problem list a component shares) validates a Spec and
// returns a Plan of plain k8s.io/api objects. localpv.go holds the spec,
// the pipeline and the checks; volumes.go how each PV is named, built and
// counted; names.go the names and labels a volume is given.
package localpv
