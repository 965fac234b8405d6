package validation

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

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

// List accumulates problems for one component.
type List struct {
	component, name string
	errs            field.ErrorList
}

// New starts an empty problem list for a component kind and name.
func New(component, name string) *List { return &List{component: component, name: name} }

// Add appends problems.
func (l *List) Add(errs ...*field.Error) { l.errs = append(l.errs, errs...) }

// Invalid records a value that is wrong; detail says what is expected and
// how to fix it. The value is appended as ", got <value>".
func (l *List) Invalid(p *field.Path, value any, detail string) {
	l.Add(field.Invalid(p, value, detail))
}

// Required records a missing value; detail says what to set.
func (l *List) Required(p *field.Path, detail string) { l.Add(field.Required(p, detail)) }

// Forbidden records a combination that is not allowed; detail says what to change.
func (l *List) Forbidden(p *field.Path, detail string) { l.Add(field.Forbidden(p, detail)) }

// Duplicate records a value that must be unique; detail says what to change.
func (l *List) Duplicate(p *field.Path, value any, detail string) {
	e := field.Duplicate(p, value)
	e.Detail = detail
	l.Add(e)
}

// NotSupported records a value outside a fixed set.
func NotSupported[T ~string](l *List, p *field.Path, value T, valid ...T) {
	opts := make([]string, 0, len(valid))
	for _, v := range valid {
		opts = append(opts, fmt.Sprintf("%q", string(v)))
	}
	sort.Strings(opts)
	e := field.NotSupported(p, string(value), valid)
	e.Detail = "use one of " + strings.Join(opts, ", ")
	l.Add(e)
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
func (l *List) DNSLabel(p *field.Path, value string) bool {
	return Reporter{l}.DNSLabel(FromField(p), value)
}

// ServiceName checks the name of a Service, which the API server requires
// to be a DNS-1035 label: an RFC 1123 label that starts with a letter. It
// returns false when the value is invalid.
func (l *List) ServiceName(p *field.Path, value string) bool {
	return Reporter{l}.ServiceName(FromField(p), value)
}

// DNSSubdomain checks an RFC 1123 subdomain (names of ConfigMaps, PVs,
// StorageClasses) with the API server's own rules.
func (l *List) DNSSubdomain(p *field.Path, value string) bool {
	return Reporter{l}.DNSSubdomain(FromField(p), value)
}

// Quantity parses a Kubernetes quantity such as "10Gi" and requires it to be
// positive. It returns the parsed value and whether it was valid.
func (l *List) Quantity(p *field.Path, value string) (resource.Quantity, bool) {
	return Reporter{l}.Quantity(FromField(p), value)
}

// Labels checks label keys and values with the API server's rules.
func (l *List) Labels(p *field.Path, labels map[string]string) {
	Reporter{l}.Labels(FromField(p), labels)
}

// Annotations checks annotation keys.
func (l *List) Annotations(p *field.Path, annotations map[string]string) {
	Reporter{l}.Annotations(FromField(p), annotations)
}

// Reporter records problems in a List at lazily built paths: its methods
// are the List's, taking a *Path (see Path) where the List's take a
// *field.Path, so that checking a valid value costs no path at all.
type Reporter struct{ *List }

// Invalid is List.Invalid at p.
func (r Reporter) Invalid(p *Path, value any, detail string) {
	r.List.Invalid(p.Field(), value, detail)
}

// Required is List.Required at p.
func (r Reporter) Required(p *Path, detail string) { r.List.Required(p.Field(), detail) }

// Forbidden is List.Forbidden at p.
func (r Reporter) Forbidden(p *Path, detail string) { r.List.Forbidden(p.Field(), detail) }

// Duplicate is List.Duplicate at p.
func (r Reporter) Duplicate(p *Path, value any, detail string) {
	r.List.Duplicate(p.Field(), value, detail)
}

// DNSLabel is List.DNSLabel at p.
func (r Reporter) DNSLabel(p *Path, value string) bool {
	if value == "" {
		r.Required(p, "set a lower-case RFC 1123 name such as \"db\"")
		return false
	}
	if msgs := IsDNS1123Label(value); len(msgs) > 0 {
		r.Invalid(p, value, "must be a lower-case RFC 1123 label ("+strings.Join(msgs, "; ")+")")
		return false
	}
	return true
}

// ServiceName is List.ServiceName at p.
func (r Reporter) ServiceName(p *Path, value string) bool {
	if !r.DNSLabel(p, value) {
		return false
	}
	if msgs := IsDNS1035Label(value); len(msgs) > 0 {
		r.Invalid(p, value, "names a Service and must start with a letter ("+strings.Join(msgs, "; ")+")")
		return false
	}
	return true
}

// DNSSubdomain is List.DNSSubdomain at p.
func (r Reporter) DNSSubdomain(p *Path, value string) bool {
	if value == "" {
		r.Required(p, "set a lower-case RFC 1123 name")
		return false
	}
	if msgs := IsDNS1123Subdomain(value); len(msgs) > 0 {
		r.Invalid(p, value, "must be a lower-case RFC 1123 subdomain ("+strings.Join(msgs, "; ")+")")
		return false
	}
	return true
}

// Quantity is List.Quantity at p.
func (r Reporter) Quantity(p *Path, value string) (resource.Quantity, bool) {
	if value == "" {
		r.Required(p, "set a size such as \"10Gi\"")
		return resource.Quantity{}, false
	}
	// resource.ParseQuantity takes minutes on exponents such as "1e-99999999"
	// (and the API server times out on huge values): refuse them unparsed.
	if len(value) > maxQuantityLength || longExponent(value) {
		r.Invalid(p, value, "must be a Kubernetes quantity such as \"10Gi\" or \"500Mi\" (with an exponent of at most two digits)")
		return resource.Quantity{}, false
	}
	q, err := resource.ParseQuantity(value)
	if err != nil {
		r.Invalid(p, value, "must be a Kubernetes quantity such as \"10Gi\" or \"500Mi\"")
		return resource.Quantity{}, false
	}
	if q.Sign() <= 0 {
		r.Invalid(p, value, "must be greater than zero")
		return resource.Quantity{}, false
	}
	if q.AsApproximateFloat64() >= math.MaxInt64 {
		r.Invalid(p, value, "must be less than 8Ei")
		return resource.Quantity{}, false
	}
	return q, true
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

// Labels is List.Labels at p.
func (r Reporter) Labels(p *Path, labels map[string]string) {
	if all(labels, func(k, v string) bool { return isQualifiedName(k) && isLabelValue(v) }) {
		return
	}
	for _, k := range SortedKeys(labels) {
		kp := p.Key(k)
		for _, msg := range IsQualifiedName(k) {
			r.Invalid(kp, k, "label key "+msg)
		}
		for _, msg := range IsValidLabelValue(labels[k]) {
			r.Invalid(kp, labels[k], "label value "+msg)
		}
	}
}

// Annotations is List.Annotations at p.
func (r Reporter) Annotations(p *Path, annotations map[string]string) {
	if all(annotations, func(k, v string) bool { return isQualifiedName(strings.ToLower(k)) && utf8.ValidString(v) }) {
		return
	}
	for _, k := range SortedKeys(annotations) {
		for _, msg := range IsQualifiedName(strings.ToLower(k)) {
			r.Invalid(p.Key(k), k, "annotation key "+msg)
		}
		if !utf8.ValidString(annotations[k]) {
			r.Invalid(p.Key(k), "<not UTF-8>", "annotation value must be UTF-8 text (JSON, and so the API, cannot carry other bytes)")
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

// SortedKeys returns the keys of m in order, so problems and manifests never
// depend on map iteration order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
