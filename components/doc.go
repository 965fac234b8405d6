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
// objects themselves are planned by the Pulumi-free packages under pkg/
// (network, localpv, cluster) and registered here as typed pulumi-kubernetes
// resources, each parented to its component and named with the component's
// name as prefix. Type tokens and child names are public API: renaming them
// would replace live resources.
//
// Values that come from other resources or from config (namespace, images,
// storage class, secret values) are Pulumi inputs. Everything that decides
// which resources exist (replicas, nodes, ports, claims) is a plain Go value,
// so `pulumi preview` always shows the full set of resources.
package components
