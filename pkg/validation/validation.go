package validation

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Error is the error every ordinal component returns for invalid arguments.
// It is returned before any resource is registered.
type Error struct {
	// Component is the component kind, e.g. "DatabaseCluster".
	Component string
	// Name is the Pulumi name the component was given.
	Name string
	// Problems lists every invalid field, in the order they were found.
	Problems field.ErrorList
}

// Error renders all problems, one per line after the first:
//
//	DatabaseCluster "db": spec.replicas: must be >= 1, got 0
func (e *Error) Error() string {
	head := fmt.Sprintf("%s %q: ", e.Component, e.Name)
	if len(e.Problems) == 1 {
		return head + Describe(e.Problems[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%d invalid arguments:", head, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(Describe(p))
	}
	return b.String()
}

// Fields returns the field paths of all problems, for tests and tooling.
func (e *Error) Fields() []string {
	out := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		out = append(out, p.Field)
	}
	return out
}

// Describe renders one problem as "<path>: <what is wrong and how to fix it>".
func Describe(e *field.Error) string {
	switch e.Type {
	case field.ErrorTypeInvalid:
		return fmt.Sprintf("%s: %s, got %s", e.Field, e.Detail, show(e.BadValue))
	case field.ErrorTypeDuplicate:
		if e.Detail != "" {
			return fmt.Sprintf("%s: duplicate value %s: %s", e.Field, show(e.BadValue), e.Detail)
		}
		return fmt.Sprintf("%s: duplicate value %s", e.Field, show(e.BadValue))
	case field.ErrorTypeNotSupported:
		return fmt.Sprintf("%s: unsupported value %s: %s", e.Field, show(e.BadValue), e.Detail)
	case field.ErrorTypeRequired:
		return fmt.Sprintf("%s: required: %s", e.Field, e.Detail)
	default:
		return fmt.Sprintf("%s: %s", e.Field, e.Detail)
	}
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case *int32:
		if x == nil {
			return "nil"
		}
		return fmt.Sprint(*x)
	default:
		return fmt.Sprint(v)
	}
}

// List accumulates the problems of one component. Every check records at
// a *Path, which is spelled out only when there is a problem to report (see
// Path), so that checking a valid value costs no path at all.
type List struct {
	component, name string
	errs            field.ErrorList
}

// New starts an empty problem list for a component kind and name.
func New(component, name string) *List { return &List{component: component, name: name} }

// Invalid records a value that is wrong at p; detail says what is expected
// and how to fix it. The value is appended as ", got <value>".
func (l *List) Invalid(p *Path, value any, detail string) {
	l.errs = append(l.errs, field.Invalid(p.Field(), value, detail))
}

// Required records a missing value at p; detail says what to set.
func (l *List) Required(p *Path, detail string) {
	l.errs = append(l.errs, field.Required(p.Field(), detail))
}

// Forbidden records a combination that is not allowed at p; detail says
// what to change.
func (l *List) Forbidden(p *Path, detail string) {
	l.errs = append(l.errs, field.Forbidden(p.Field(), detail))
}

// Duplicate records a value at p that must be unique; detail says what to
// change.
func (l *List) Duplicate(p *Path, value any, detail string) {
	e := field.Duplicate(p.Field(), value)
	e.Detail = detail
	l.errs = append(l.errs, e)
}

// NotSupported records a value at p outside a fixed set.
func NotSupported[T ~string](l *List, p *Path, value T, valid ...T) {
	opts := make([]string, 0, len(valid))
	for _, v := range valid {
		opts = append(opts, fmt.Sprintf("%q", string(v)))
	}
	slices.Sort(opts)
	e := field.NotSupported(p.Field(), string(value), valid)
	e.Detail = "use one of " + strings.Join(opts, ", ")
	l.errs = append(l.errs, e)
}

// Len reports how many problems were recorded.
func (l *List) Len() int { return len(l.errs) }

// Err returns nil when nothing was recorded, else one *Error with every problem.
func (l *List) Err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return &Error{Component: l.component, Name: l.name, Problems: l.errs}
}

// DNSLabel checks an RFC 1123 label (names of Services, StatefulSets, ports
// of some kinds) with the API server's own rules. It returns false when the
// value is invalid.
func (l *List) DNSLabel(p *Path, value string) bool {
	return l.requiredName(p, value, "set a lower-case RFC 1123 name such as \"db\"", IsDNS1123Label, "must be a lower-case RFC 1123 label")
}

// ServiceName checks the name of a Service, which the API server requires
// to be a DNS-1035 label: an RFC 1123 label that starts with a letter. It
// returns false when the value is invalid.
func (l *List) ServiceName(p *Path, value string) bool {
	if !l.DNSLabel(p, value) {
		return false
	}
	if msgs := IsDNS1035Label(value); len(msgs) > 0 {
		l.Invalid(p, value, "names a Service and must start with a letter ("+strings.Join(msgs, "; ")+")")
		return false
	}
	return true
}

// DNSSubdomain checks an RFC 1123 subdomain (names of ConfigMaps, PVs,
// StorageClasses) with the API server's own rules.
func (l *List) DNSSubdomain(p *Path, value string) bool {
	return l.requiredName(p, value, "set a lower-case RFC 1123 name", IsDNS1123Subdomain, "must be a lower-case RFC 1123 subdomain")
}

// requiredName checks a required name: missing, it records required;
// refused by check, it records what, followed by check's messages.
func (l *List) requiredName(p *Path, value, required string, check func(string) []string, what string) bool {
	if value == "" {
		l.Required(p, required)
		return false
	}
	if msgs := check(value); len(msgs) > 0 {
		l.Invalid(p, value, what+" ("+strings.Join(msgs, "; ")+")")
		return false
	}
	return true
}

// Plan is the pipeline the planners of network, localpv and cluster share:
// it applies the defaults to spec, records the problems of name and spec in
// l, and builds the plan when l holds no problem at all (the spec's or a
// component's own); nil otherwise.
func Plan[S, P any](l *List, name string, spec S, defaults func(string, S) S, check func(*List, string, S), build func(string, S) *P) *P {
	spec = defaults(name, spec)
	check(l, name, spec)
	if l.Len() > 0 {
		return nil
	}
	return build(name, spec)
}

// Quantity parses a Kubernetes quantity such as "10Gi" and requires it to be
// a positive, whole number of bytes. It returns the parsed value and whether it was valid.
func (l *List) Quantity(p *Path, value string) (resource.Quantity, bool) {
	if value == "" {
		l.Required(p, "set a size such as \"10Gi\"")
		return resource.Quantity{}, false
	}
	// resource.ParseQuantity takes minutes on exponents such as "1e-99999999"
	// (and the API server times out on huge values): refuse them unparsed.
	if len(value) > maxQuantityLength || longExponent(value) {
		l.Invalid(p, value, "must be a Kubernetes quantity such as \"10Gi\" or \"500Mi\" (with an exponent of at most two digits)")
		return resource.Quantity{}, false
	}
	q, err := resource.ParseQuantity(value)
	if err != nil {
		l.Invalid(p, value, "must be a Kubernetes quantity such as \"10Gi\" or \"500Mi\"")
		return resource.Quantity{}, false
	}
	if q.Sign() <= 0 {
		l.Invalid(p, value, "must be greater than zero")
		return resource.Quantity{}, false
	}
	if q.AsApproximateFloat64() >= math.MaxInt64 {
		l.Invalid(p, value, "must be less than 8Ei")
		return resource.Quantity{}, false
	}
	if whole := q.DeepCopy(); !whole.RoundUp(0) {
		// "1m" is a thousandth of a byte: the API server refuses it.
		l.Invalid(p, value, "must be a whole number of bytes (\"m\" means milli, not mega); use a size such as \"1Gi\" or \"500Mi\"")
		return resource.Quantity{}, false
	}
	return q, true
}

// AccessModes checks the access modes of a PersistentVolume or a claim:
// at least one, each one Kubernetes knows, and ReadWriteOncePod only alone
// (the API server refuses it with any other mode).
func (l *List) AccessModes(p *Path, modes []corev1.PersistentVolumeAccessMode) {
	if len(modes) == 0 {
		l.Required(p, "set at least ReadWriteOnce")
	}
	for i, m := range modes {
		switch m {
		case corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany:
		case corev1.ReadWriteOncePod:
			if len(modes) > 1 {
				l.Forbidden(p.Index(i), "ReadWriteOncePod cannot be combined with other access modes; use it alone")
			}
		default:
			NotSupported(l, p.Index(i), m, corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod)
		}
	}
}

// maxQuantityLength bounds the text of a quantity; real sizes are short.
const maxQuantityLength = 64

// longExponent reports whether a quantity has a decimal exponent ("e12",
// "E-7") of more than two digits.
func longExponent(value string) bool {
	i := strings.LastIndexAny(value, "eE")
	if i < 0 {
		return false
	}
	digits := strings.TrimLeft(value[i+1:], "+-")
	if len(digits) <= 2 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Labels checks label keys and values with the API server's rules.
func (l *List) Labels(p *Path, labels map[string]string) {
	if all(labels, func(k, v string) bool { return isQualifiedName(k) && isLabelValue(v) }) {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		kp := p.Key(k)
		for _, msg := range IsQualifiedName(k) {
			l.Invalid(kp, k, "label key "+msg)
		}
		for _, msg := range IsValidLabelValue(labels[k]) {
			l.Invalid(kp, labels[k], "label value "+msg)
		}
	}
}

// Annotations checks annotation keys, and that the values are UTF-8 text.
func (l *List) Annotations(p *Path, annotations map[string]string) {
	if all(annotations, func(k, v string) bool { return isQualifiedName(strings.ToLower(k)) && utf8.ValidString(v) }) {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, msg := range IsQualifiedName(strings.ToLower(k)) {
			l.Invalid(p.Key(k), k, "annotation key "+msg)
		}
		if !utf8.ValidString(annotations[k]) {
			l.Invalid(p.Key(k), "<not UTF-8>", "annotation value must be UTF-8 text (JSON, and so the API, cannot carry other bytes)")
		}
	}
}

// all reports whether every entry of m is valid: maps with nothing to
// report are checked without sorting their keys.
func all(m map[string]string, valid func(k, v string) bool) bool {
	for k, v := range m {
		if !valid(k, v) {
			return false
		}
	}
	return true
}
