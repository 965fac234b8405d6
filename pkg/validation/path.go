package validation

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Path is a field path, such as spec.containers[0].name, that is spelled
// out only when a problem is reported at it.
//
// A validator walks every field of its arguments but reports problems at
// few of them, if any. Each Child, Index and Key of a *field.Path
// allocates, and a *field.Path that reaches a field.Error escapes to the
// heap with all its parents. A Path only points to its parent, and
// nothing reachable from it is ever stored (Field and String copy what
// they need), so the compiler keeps a Path that is passed down to the
// checks on the caller's stack. Field builds the *field.Path when there
// is a problem to report.
//
// A nil *Path stands for a nil *field.Path.
type Path struct {
	parent *Path
	// name is a field's name or the key of a map entry.
	name  string
	index int
	kind  pathKind
}

type pathKind uint8

const (
	childPath pathKind = iota
	indexPath
	keyPath
)

// NewPath starts a path at a field, like field.NewPath.
func NewPath(name string) *Path { return &Path{name: name} }

// Child is the path of a field below p, like (*field.Path).Child.
func (p *Path) Child(name string) *Path { return &Path{parent: p, name: name} }

// Index is the path of a list element, like (*field.Path).Index.
func (p *Path) Index(i int) *Path { return &Path{parent: p, index: i, kind: indexPath} }

// Key is the path of a map entry, like (*field.Path).Key.
func (p *Path) Key(key string) *Path { return &Path{parent: p, name: key, kind: keyPath} }

// Field builds the *field.Path that p stands for. It copies the names,
// so that nothing reachable from p escapes to the heap.
func (p *Path) Field() *field.Path {
	if p == nil {
		return nil
	}
	parent := p.parent.Field()
	switch p.kind {
	case indexPath:
		return parent.Index(p.index)
	case keyPath:
		return parent.Key(strings.Clone(p.name))
	default:
		return parent.Child(strings.Clone(p.name))
	}
}

// String is Field().String(), e.g. "spec.containers[0].name", built in
// one allocation.
func (p *Path) String() string {
	var stack [64]byte // most paths fit
	return string(p.AppendTo(stack[:0]))
}

// AppendTo appends String() to b.
func (p *Path) AppendTo(b []byte) []byte {
	if p == nil {
		return append(b, "<nil>"...)
	}
	if p.parent != nil {
		b = p.parent.AppendTo(b)
	}
	switch {
	case p.kind == indexPath:
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(p.index), 10)
		return append(b, ']')
	case p.kind == keyPath || p.name == "":
		// (*field.Path).String renders an empty name as an empty subscript.
		b = append(b, '[')
		b = append(b, p.name...)
		return append(b, ']')
	case p.parent != nil:
		b = append(b, '.')
		return append(b, p.name...)
	default:
		return append(b, p.name...)
	}
}
