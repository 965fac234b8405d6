// Package render writes a Pulumi program's Kubernetes objects as plain YAML
// files instead of deploying them, for `kubectl apply`, GitOps repositories
// or review. It works with any program that builds on the components of
// this module (or on pulumi-kubernetes resources of its own): pass the
// options of Options (or FromConfig) to every top-level resource, and
// `pulumi up` writes each object's manifest under a directory instead of
// sending it to a cluster. No cluster is contacted.
//
//	opts, err := render.FromConfig(ctx) // nil unless the stack config sets "render"
//	if err != nil {
//		return err
//	}
//	db, err := components.NewDatabaseCluster(ctx, "zk", args, opts...)
//
//	$ pulumi config set render "$PWD/rendered"
//	$ pulumi up --yes        # writes rendered/1-manifest/*.yaml
//
// The options route every child to one explicit Kubernetes provider, named
// ProviderName, that has renderYamlToDirectory set (pulumi-kubernetes'
// render mode). Its kubeconfig is set to "" on purpose: the Go SDK
// otherwise fills a provider's kubeconfig in from $KUBECONFIG, and the
// provider refuses a kubeconfig (or a cluster or a context) together with
// renderYamlToDirectory.
//
// # What the provider writes
//
// One file per object, named
// <apiVersion with / and : as _>-<kind>-<namespace or "default">-<name>.yaml,
// in <dir>/1-manifest (CustomResourceDefinitions in <dir>/0-crd). Files are
// written with mode 0600 and directories the provider creates with mode
// 0700. A manifest is the object as the program built it, with Pulumi's
// own annotations (e.g. pulumi.com/autonamed) and without server-side
// defaults or status. `pulumi up` keeps the directory in sync
// with the program: a changed object rewrites its file, and an object the
// program no longer creates (or `pulumi destroy`) deletes its file, except
// an object Pulumi retains on delete, such as a LocalVolumePool's
// PersistentVolumes with the default protection: their files stay.
//
// # Secrets are on disk, readable by anyone who can read the files
//
// Render mode writes every value as the program gives it, secret or not,
// and only logs a warning ("rendered file ... contains a secret value in
// plaintext"). A Secret's values end up base64-encoded under data: the
// Secret a DatabaseCluster generates from SecretData is sent as
// stringData, and the provider turns stringData into data before it
// writes the file. Base64 is an encoding, not encryption: `base64 -d`
// reveals the value. A secret value used anywhere else (a ConfigMap, an
// env var literal, an annotation) is written in plain text. Treat the
// directory as a secret: keep it out of version control (or encrypt it,
// e.g. with SOPS or Sealed Secrets) and do not share it. The Pulumi state
// keeps secrets encrypted as usual.
//
// # Switching between rendering and deploying
//
// The provider is part of every object's identity in the Pulumi state, so
// setting, changing or removing the directory of an existing stack replaces
// every object: switching a deployed stack to rendering deletes its
// objects from the cluster as `pulumi destroy` would. Render from a stack
// of its own (`make render` uses "<stack>-render") rather than toggling a
// deployed one.
//
// Give an absolute directory ("$PWD/rendered"). A relative one is resolved
// against the provider plugin's working directory, which is the program's
// directory (the main of Pulumi.yaml, e.g. cmd/), not the directory
// `pulumi up` runs in. A resource created without these options uses the
// default provider and is deployed to the current cluster; to make such a
// mistake fail instead, disable the default provider:
//
//	pulumi config set --path 'pulumi:disable-default-providers[0]' kubernetes
//
// Package pkg/render of this module renders plans to YAML without Pulumi
// at all; this package renders what a Pulumi program registers, with the
// values it has when it runs (config, secrets, other resources' outputs).
package render
