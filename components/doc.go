// Package components provides ordinal's typed Pulumi component resources for
// clustered, stateful databases on Kubernetes:
//
//   - DatabaseCluster (ordinal:index:DatabaseCluster): a StatefulSet with
//     per-pod claims, its HeadlessNetwork, a PodDisruptionBudget, a one-time
//     init Job, and a projected config directory.
//   - LocalVolumePool (ordinal:index:LocalVolumePool): a StorageClass for
//     local disks and one node-pinned PersistentVolume per (node, path).
//   - HeadlessNetwork (ordinal:index:HeadlessNetwork): the governing headless
//     Service, an optional client Service, and the pods' stable DNS names.
//
// Each constructor validates its arguments completely before it registers
// anything, and returns a *validation.Error naming every invalid field. The
// constructors share one pipeline: New<Name> calls Plan<Name>
// (PlanDatabaseCluster, PlanLocalVolumePool, PlanHeadlessNetwork), which
// checks the component's own arguments and lets the Pulumi-free planner
// under pkg/ (cluster.Make, localpv.Make, network.Make) check and plan the
// spec on the same problem list; then it registers the planned k8s.io/api
// objects as typed pulumi-kubernetes resources (register.go), each parented
// to its component and named with the component's name as prefix. Type
// tokens (these components' and, in package kubetypes, the Kubernetes
// kinds') and child names are public API: renaming them would replace live
// resources.
//
// What pulumi-kubernetes awaits, deletes, replaces and ignores for each
// object, and why, is decided in one file, provider.go, which opens with a
// table of it.
//
// Values that come from other resources or from config (namespace, images,
// storage class, secret values) are Pulumi inputs. Everything that decides
// which resources exist (replicas, nodes, ports, claims) is a plain Go value,
// so `pulumi preview` always shows the full set of resources.
package components
