// Package labels produces the Kubernetes recommended labels
// (app.kubernetes.io/{name,instance,component,part-of,managed-by,version})
// that ordinal puts on every object, and the smaller, immutable subset used
// as selectors.
//
// Selectors are deliberately minimal (instance and component only): a
// StatefulSet's selector cannot change without replacing it, so nothing a
// user is likely to edit (version, part-of, extra labels) is ever part of one.
package labels
