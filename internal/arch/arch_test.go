package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const mod = "github.com/patchqueue/pqtools/"

// source is one non-test Go file of the module, by package directory.
type source struct {
	dir  string // slash-separated, relative to the module root
	path string
	file *ast.File
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// shipped lists the module's packages linked into the three binaries,
// relative to the module root: test support (testdata, srpmtest) and the
// benchmarks are not shipped, and may run git as they please.
func shipped(t *testing.T) map[string]bool {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "./cmd/...")
	cmd.Dir = moduleRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/...: %v", err)
	}
	res := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		if rel, ok := strings.CutPrefix(p, mod); ok {
			res[rel] = true
		}
	}
	return res
}

// sources parses the non-test files of the packages linked into the
// binaries.
func sources(t *testing.T) []source {
	root := moduleRoot(t)
	ship := shipped(t)
	fset := token.NewFileSet()
	var out []source
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "bench" || rel == "testdata" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil && rel != "." {
				return filepath.SkipDir // a module of its own
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || !ship[filepath.ToSlash(filepath.Dir(rel))] {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		full, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		full.Imports = f.Imports
		out = append(out, source{dir: filepath.ToSlash(filepath.Dir(rel)), path: rel, file: full})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("read only %d files: is the walk right?", len(out))
	}
	return out
}

func imports(f *ast.File) []string {
	var out []string
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		out = append(out, p)
	}
	return out
}

// Only internal/proc starts programs (internal/git builds on it for its
// pipes): every run gets an argument vector, a context and one error type.
func TestOnlyProcRunsPrograms(t *testing.T) {
	for _, s := range sources(t) {
		for _, im := range imports(s.file) {
			if im == "os/exec" && s.dir != "internal/proc" && s.dir != "internal/git" {
				t.Errorf("%s imports %s: run programs through internal/proc (git through internal/git)", s.path, im)
			}
		}
	}
}

// Git is asked only by internal/git: outside it nobody names git as a
// program, and internal/git exports no method that takes a raw git
// command line, so a git subcommand string cannot appear anywhere else.
func TestOnlyInternalGitAsksGit(t *testing.T) {
	for _, s := range sources(t) {
		// internal/demo generates repositories (git init, fast-import)
		// for --demo and the tests: it writes new repositories of its
		// own, never the user's, and runs git through proc.
		if s.dir == "internal/git" || s.dir == "internal/proc" || s.dir == "internal/demo" {
			continue
		}
		ast.Inspect(s.file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, _ := strconv.Unquote(lit.Value); v == "git" {
					// "git" alone is the program name: only a
					// proc.Cmd or exec call would need it.
					t.Errorf("%s: the string \"git\": ask git through internal/git", s.path)
				}
			}
			return true
		})
	}
	for _, s := range sources(t) {
		if s.dir != "internal/git" {
			continue
		}
		for _, d := range s.file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() || fn.Type.Params == nil {
				continue
			}
			for _, p := range fn.Type.Params.List {
				ell, ok := p.Type.(*ast.Ellipsis)
				if !ok {
					continue
				}
				if id, ok := ell.Elt.(*ast.Ident); ok && id.Name == "string" {
					for _, name := range p.Names {
						if name.Name == "args" {
							t.Errorf("%s: exported %s takes a raw git command line (args ...string): give callers a typed method instead", s.path, fn.Name.Name)
						}
					}
				}
			}
		}
	}
}

// Format and domain packages are pure: bytes or readers in, values out.
func TestPurePackages(t *testing.T) {
	pure := map[string]bool{
		"internal/spec": true, "internal/symtypes": true, "internal/sbs": true, "internal/kabi": true,
	}
	banned := []string{"os/exec", mod + "internal/git", mod + "internal/proc", mod + "internal/notes",
		"github.com/rivo/tview", "github.com/gdamore/tcell/v2"}
	for _, s := range sources(t) {
		if !pure[s.dir] {
			continue
		}
		for _, im := range imports(s.file) {
			for _, b := range banned {
				if im == b {
					t.Errorf("%s (a pure package) imports %s", s.path, im)
				}
			}
		}
	}
}

// The shipped binaries never link test fixtures.
func TestNoTestdataInBinaries(t *testing.T) {
	for p := range shipped(t) {
		if strings.HasPrefix(p, "testdata/") || strings.HasSuffix(p, "test") {
			t.Errorf("the binaries link %s: the demo generator lives in internal/demo", p)
		}
	}
}

// cmd/<binary>/main.go holds no logic: it calls the command package and
// exits with its status; os.Exit appears nowhere else.
func TestExitOnlyInMain(t *testing.T) {
	for _, s := range sources(t) {
		isMain := strings.HasPrefix(s.dir, "cmd/")
		ast.Inspect(s.file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "os" && sel.Sel.Name == "Exit" && !isMain {
				t.Errorf("%s calls os.Exit: return a status to main instead", s.path)
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "log" && strings.HasPrefix(sel.Sel.Name, "Fatal") {
				t.Errorf("%s calls log.%s", s.path, sel.Sel.Name)
			}
			return true
		})
	}
}

// No parameter is named io: it hides the package of the same name.
func TestNoParameterNamedIO(t *testing.T) {
	for _, s := range sources(t) {
		ast.Inspect(s.file, func(n ast.Node) bool {
			ft, ok := n.(*ast.FuncType)
			if !ok || ft.Params == nil {
				return true
			}
			for _, p := range ft.Params.List {
				for _, name := range p.Names {
					if name.Name == "io" {
						t.Errorf("%s: a parameter named io", s.path)
					}
				}
			}
			return true
		})
	}
}
