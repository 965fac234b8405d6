package validation

import (
	"slices"
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
	// name is a field's name, the key of a map entry, or what a root made
	// by FromField renders as.
	name  string
	index int
	kind  pathKind
}

type pathKind uint8

const (
	childPath pathKind = iota
	indexPath
	keyPath
	// renderedPath is a root made by FromField.
	renderedPath
)

// NewPath starts a path at a field, like field.NewPath.
func NewPath(name string) *Path { return &Path{name: name} }

// FromField starts a path at an existing *field.Path, which it renders
// once: later problems are reported at paths that render the same way.
func FromField(p *field.Path) *Path {
	if p == nil {
		return nil
	}
	return &Path{name: p.String(), kind: renderedPath}
}

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
	case renderedPath:
		// A *field.Path never renders as "": a root named so renders as "[]".
		return field.NewPath(strings.Clone(p.name))
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
	n := 0
	for q := p; q != nil; q = q.parent {
		n += q.size()
	}
	b = slices.Grow(b, n)
	end := len(b) + n
	b = b[:end]
	for q := p; q != nil; q = q.parent {
		size := q.size()
		q.write(b[end-size : end])
		end -= size
	}
	return b
}

// named reports whether p renders as a name, as (*field.Path).String does:
// an empty name renders as an empty subscript "[]".
func (p *Path) named() bool { return p.kind == childPath && p.name != "" }

// size is the length of p's own element in String.
func (p *Path) size() int {
	var digits [20]byte
	switch {
	case p.kind == renderedPath:
		return len(p.name)
	case p.kind == indexPath:
		return len(strconv.AppendInt(digits[:0], int64(p.index), 10)) + 2
	case !p.named():
		return len(p.name) + 2
	case p.parent != nil:
		return len(p.name) + 1
	default:
		return len(p.name)
	}
}

// write renders p's own element into out, which is p.size() bytes long.
func (p *Path) write(out []byte) {
	switch {
	case p.kind == renderedPath:
		copy(out, p.name)
	case p.kind == indexPath:
		out[0] = '['
		strconv.AppendInt(out[1:1], int64(p.index), 10)
		out[len(out)-1] = ']'
	case !p.named():
		out[0] = '['
		copy(out[1:], p.name)
		out[len(out)-1] = ']'
	case p.parent != nil:
		out[0] = '.'
		copy(out[1:], p.name)
	default:
		copy(out, p.name)
	}
}
