// Package validation collects argument problems for the ordinal components
// and reports them as one error that names the component, every field path
// and the fix.
//
// It builds on k8s.io/apimachinery's field.ErrorList, so the checks that
// Kubernetes itself performs (DNS-1123 names, label keys and values,
// quantities, port names) are the same code the API server runs:
// IsDNS1123Label and its siblings only spare the regular expressions on
// values that a byte loop recognises as valid, and return apimachinery's own
// messages otherwise. A planner appends to a List while it walks the
// arguments; when the walk is over, List.Err returns nil or a single *Error
// listing every problem at once, so a user fixes all of them in one edit
// instead of one per `pulumi up`.
//
// Validation runs every time a component is created, and most arguments are
// valid: every check takes a *Path (NewPath, Child, Index, Key), which is
// spelled out as a *field.Path only when there is a problem to report.
//
// The planners of the packages network, localpv and cluster validate the
// same way: Make(l, name, spec, ...) appends the spec's problems to a List
// that a component shares with its own checks of its arguments, and New is
// Make on a List of its own.
package validation
