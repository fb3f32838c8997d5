package pahole

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/patchqueue/pqtools/internal/proc"
)

// Errors of Load, for the command to phrase what to do next.
var (
	// ErrNoDebugInfo: the object has neither DWARF nor BTF.
	ErrNoDebugInfo = errors.New("no debug information")
	// ErrNotObject: the file is not an ELF object.
	ErrNotObject = errors.New("not an ELF object")
	// ErrTypeNotFound: the object has debug information but no struct
	// or union of that name.
	ErrTypeNotFound = errors.New("type not found")
	// ErrBadTypeName: the name is not a C identifier.
	ErrBadTypeName = errors.New("not a C struct or union name")
)

// maxAliases bounds the typedefs Load follows (a hostile object could
// hold a cycle).
const maxAliases = 8

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// TypeName returns the tag pahole looks for in "struct foo", "union foo"
// or "foo".
func TypeName(typ string) (string, error) {
	f := strings.Fields(typ)
	if len(f) == 2 && (f[0] == "struct" || f[0] == "union") {
		f = f[1:]
	}
	if len(f) != 1 || !nameRE.MatchString(f[0]) {
		return "", fmt.Errorf("%q: %w", typ, ErrBadTypeName)
	}
	return f[0], nil
}

// Load runs pahole on obj for the struct or union typ ("foo", "struct
// foo" or "union foo") and parses its layout. The errors wrap
// ErrNotObject, ErrNoDebugInfo, ErrTypeNotFound, ErrNotStructOrUnion,
// ErrBadTypeName, proc.ErrNotInstalled (no pahole) or an fs error. A
// typedef of a struct or union is followed to it.
func Load(ctx context.Context, obj, typ string) (*Layout, error) {
	name, err := TypeName(typ)
	if err != nil {
		return nil, err
	}
	if err := checkObject(obj); err != nil {
		return nil, err
	}
	var l *Layout
	var chain []string // typedefs followed
	for {
		out, err := proc.Run(ctx, proc.Cmd{Program: "pahole", Args: []string{"--class_name=" + name, "--", obj}, Env: proc.Environ(nil, "LC_ALL=C")})
		if err != nil {
			return nil, fmt.Errorf("pahole %s: %w", obj, err)
		}
		l, err = Parse(bytes.NewReader(out))
		var alias *AliasError
		switch {
		case err == nil:
		case errors.As(err, &alias) && len(chain) < maxAliases:
			chain = append(chain, alias.Error())
			name = alias.Target
			continue
		case errors.Is(err, ErrNoLayout) && len(chain) > 0:
			// A typedef of a base type: pahole -C int prints nothing.
			return nil, fmt.Errorf("%s in %s: %w", strings.Join(chain, ", "), obj, ErrNotStructOrUnion)
		case errors.Is(err, ErrNoLayout):
			return nil, fmt.Errorf("%s in %s: %w", name, obj, ErrTypeNotFound)
		default:
			return nil, fmt.Errorf("%s in %s: %w", name, obj, err)
		}
		break
	}
	l.Object = obj
	if l.Kind == "union" && l.Padding == 0 {
		// pahole prints no size for a union: --sizes does.
		if err := unionSize(ctx, obj, l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// unionSize sets the size of a union from `pahole --sizes --unions`,
// whose lines are "name<TAB>size<TAB>holes".
func unionSize(ctx context.Context, obj string, l *Layout) error {
	out, err := proc.Run(ctx, proc.Cmd{Program: "pahole", Args: []string{"--sizes", "--unions", "--prefix_filter=" + l.Name, "--", obj}, Env: proc.Environ(nil, "LC_ALL=C")})
	if err != nil {
		return fmt.Errorf("pahole %s: %w", obj, err)
	}
	if size, ok := ParseSizes(bytes.NewReader(out))[l.Name]; ok && size >= l.Size {
		l.Size = size
		l.Cachelines = (size + CachelineSize - 1) / CachelineSize
		end := 0
		for _, m := range l.Members {
			end = max(end, m.Offset+m.Size)
		}
		l.Padding = size - end
	}
	return nil
}

// checkObject tells a missing file, a file that is not ELF and an object
// without debug information apart before pahole says "Invalid argument"
// to all three.
func checkObject(obj string) error {
	f, err := elf.Open(obj)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("cannot read %s: %w", obj, pe.Err)
		}
		return fmt.Errorf("%s: %w", obj, ErrNotObject)
	}
	defer f.Close()
	for _, s := range f.Sections {
		switch s.Name {
		case ".debug_info", ".zdebug_info", ".BTF":
			return nil
		}
	}
	return fmt.Errorf("%s: %w", obj, ErrNoDebugInfo)
}
