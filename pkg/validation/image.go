package validation

import (
	"errors"
	"strings"
	"unicode"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
)

// imageExample is what a valid reference looks like, for the messages.
const imageExample = `an image reference [registry/]repository[:tag][@digest] such as "postgres:17" or "registry.example.com/team/db@sha256:<64 hex digits>"`

// Image checks a container image reference with the parser the kubelet
// uses before it pulls (github.com/distribution/reference's
// ParseNormalizedNamed), so that a reference the kubelet would refuse
// (InvalidImageName) is refused before anything is created: a blank
// inside, an upper-case repository, an empty tag or digest, a short
// digest. An empty value is not checked: the caller decides whether an
// image is required. It returns false when the value is invalid.
func (l *List) Image(p *Path, value string) bool {
	if value == "" {
		return true
	}
	_, err := reference.ParseNormalizedNamed(value)
	if err == nil {
		return true
	}
	l.Invalid(p, value, "must be "+imageExample+": "+imageFix(value, err))
	return false
}

func isValidReference(s string) bool {
	_, err := reference.ParseNormalizedNamed(s)
	return err == nil
}

// imageFix says what is wrong with a reference the parser refused and
// how to fix it.
func imageFix(value string, err error) string {
	name, dgst, hasDigest := strings.Cut(value, "@")
	switch {
	case strings.ContainsFunc(value, unicode.IsSpace):
		return "remove the blanks"
	case hasDigest && dgst == "":
		return "give the digest after '@', or remove the '@'"
	case hasDigest && digest.Digest(dgst).Validate() != nil:
		return "the digest after '@' must be an algorithm and the full digest, e.g. sha256: and 64 hex digits; copy it from the registry"
	case isValidReference(strings.ToLower(value)):
		return "write the repository in lower case (registries refuse upper-case repository names)"
	case strings.HasSuffix(name, ":"):
		return "give the tag after ':', or remove the ':'"
	case errors.Is(err, reference.ErrNameTooLong):
		return "the repository name must be at most 255 characters"
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") && len(name)-i-1 > 128 {
		return "a tag must be at most 128 characters"
	}
	return "fix the reference (" + err.Error() + ")"
}
