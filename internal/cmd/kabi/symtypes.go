package kabi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/patchqueue/pqtools/internal/cliutil"
	"github.com/patchqueue/pqtools/internal/symtypes"
	"github.com/urfave/cli/v2"
)

func parseSymtypesFile(path string) (*symtypes.Set, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return symtypes.Parse(bytes.NewReader(b), path)
}

func parseListFile(path string) (map[string]bool, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return symtypes.ParseSymbolList(bytes.NewReader(b), path)
}

// parseSymversWarn reads a Module.symvers or Module.kabi, warning about
// symbols it lists more than once.
func parseSymversWarn(stdio *cliutil.IO, path string) (map[string]symtypes.Symver, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	m, dupes, err := symtypes.ParseSymversDuplicates(bytes.NewReader(b), path)
	if err != nil {
		return nil, err
	}
	warnDuplicates(stdio, path, dupes)
	return m, nil
}

func writeSet(path string, s *symtypes.Set) error {
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o666); err != nil {
		return fmt.Errorf("cannot write %w", err)
	}
	return nil
}

// ---- report

// ReportOptions are the dependencies and arguments of `git kabi report`.
type ReportOptions struct {
	IO       *cliutil.IO
	Symtypes string
}

func reportCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "print the genksyms CRC of every export of a Symtypes file",
		ArgsUsage: "<symtypes>",
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 1, "one Symtypes file"); err != nil {
				return err
			}
			return run(c.Context, &ReportOptions{IO: stdio, Symtypes: c.Args().Get(0)})
		},
	}
}

func runReport(_ context.Context, o *ReportOptions) error {
	s, err := parseSymtypesFile(o.Symtypes)
	if err != nil {
		return err
	}
	if len(s.Exports()) == 0 {
		return fmt.Errorf("%s exports no symbol: nothing to report (is it a Symtypes file?)", o.Symtypes)
	}
	warnDuplicates(o.IO, o.Symtypes, s.DuplicateExports())
	rep, err := s.Report()
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, r := range rep {
		fmt.Fprintf(&b, "0x%08x\t%s\n", r.CRC, r.Symbol)
	}
	_, err = io.WriteString(o.IO.Out, b.String())
	return err
}

// ---- compare

// CompareOptions are the dependencies and arguments of `git kabi compare`.
type CompareOptions struct {
	IO           *cliutil.IO
	Old, New     string
	PrintSymbols bool
	PrintMissing bool
	Impact       bool   // --impact: exports and modules reached by each changed type
	Format       string // "text" or "json"; "" is text (a terminal opens the UI)
	LockedList   string // -l: the locked list whose sections are the modules
}

func compareCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "show which exports and types differ between two Symtypes files (exit 1 if any)",
		ArgsUsage: "<old-symtypes> <new-symtypes>",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-print-symbols", Aliases: []string{"no-print-symbol"}, Usage: "do not list the exports whose CRC differs"},
			&cli.BoolFlag{Name: "print-missing", Usage: "list the exports found on one side only"},
			&cli.BoolFlag{Name: "impact", Usage: "for each changed type, the exports reaching it and the modules using them"},
			&cli.StringFlag{Name: "lockedlist", Aliases: []string{"l"}, Usage: "locked list `FILE` whose [module] sections are the modules of --impact and the UI"},
			&cli.StringFlag{Name: "format", Usage: "`text` or json instead of the terminal UI"},
		},
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 2, "two Symtypes files, baseline then comparison"); err != nil {
				return err
			}
			o := &CompareOptions{
				IO:  stdio,
				Old: c.Args().Get(0), New: c.Args().Get(1),
				PrintSymbols: !c.Bool("no-print-symbols"), PrintMissing: c.Bool("print-missing"),
				Impact: c.Bool("impact"), Format: c.String("format"), LockedList: c.String("lockedlist"),
			}
			if f := o.Format; f != "" && f != "text" && f != "json" {
				return cliutil.Usagef("compare: --format is text or json, not %q", f)
			}
			if o.Format == "" && stdio.OutTTY {
				return run(c.Context, &TUIOptions{IO: stdio, Old: o.Old, New: o.New, LockedList: o.LockedList, ExitDiffer: true})
			}
			return run(c.Context, o)
		},
	}
}

func runCompare(_ context.Context, o *CompareOptions) error {
	old, new, c, err := compareFiles(o.Old, o.New, nil)
	if err != nil {
		return err
	}
	if err := writeCompare(o, old, new, c); err != nil {
		return err
	}
	return differStatus(c)
}

// compareFiles reads the Symtypes files oldPath and newPath and compares
// them; progress, unless nil, is told each step (the UI shows it).
func compareFiles(oldPath, newPath string, progress func(string)) (old, new *symtypes.Set, c *symtypes.Comparison, err error) {
	step := func(what string) {
		if progress != nil {
			progress(what)
		}
	}
	step("reading " + oldPath)
	if old, err = parseSymtypesFile(oldPath); err != nil {
		return nil, nil, nil, err
	}
	step("reading " + newPath)
	if new, err = parseSymtypesFile(newPath); err != nil {
		return nil, nil, nil, err
	}
	step("comparing")
	if c, err = compareSets(oldPath, newPath, old, new); err != nil {
		return nil, nil, nil, err
	}
	return old, new, c, nil
}

// differStatus is how a comparison ends: exit 1 (silently: the report
// says why) when an export's CRC differs.
func differStatus(c *symtypes.Comparison) error {
	if len(c.Differ) > 0 {
		return cliutil.ErrSilent
	}
	return nil
}

// compareSets compares the sets read from oldPath and newPath, saying
// which file is to blame when there is nothing to compare.
func compareSets(oldPath, newPath string, old, new *symtypes.Set) (*symtypes.Comparison, error) {
	c, err := symtypes.Compare(old, new)
	if errors.Is(err, symtypes.ErrNoCommonSymbols) {
		for _, side := range []struct {
			path string
			set  *symtypes.Set
		}{{oldPath, old}, {newPath, new}} {
			if len(side.set.Exports()) == 0 {
				return nil, fmt.Errorf("%s exports no symbol: nothing to compare", side.path)
			}
		}
		return nil, fmt.Errorf("%s and %s share no exported symbol: nothing to compare", oldPath, newPath)
	}
	return c, err
}

// ---- consolidate

// ConsolidateOptions are the dependencies and arguments of `git kabi
// consolidate`.
type ConsolidateOptions struct {
	IO            *cliutil.IO
	Input, Output string
	Kabi          string // locked list or Module.kabi; "" keeps everything
}

func consolidateCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "consolidate",
		Usage:     "rewrite a collected Symtypes file, keeping only what a locked list needs",
		ArgsUsage: "-i <in> -o <out> [--kabi <list>]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "collected Symtypes to read (required)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "file to write (required)"},
			&cli.StringFlag{Name: "kabi", Aliases: []string{"k"}, Usage: "keep only these exports: a locked list or a Module.kabi/Module.symvers"},
		},
		Action: func(c *cli.Context) error {
			if err := wantOptions(c, "no arguments besides -i and -o", "input", "output"); err != nil {
				return err
			}
			return run(c.Context, &ConsolidateOptions{
				IO: stdio, Input: c.String("input"), Output: c.String("output"), Kabi: c.String("kabi"),
			})
		},
	}
}

func runConsolidate(_ context.Context, o *ConsolidateOptions) error {
	s, err := parseSymtypesFile(o.Input)
	if err != nil {
		return err
	}
	if err := filterAndWrite(s, o.Kabi, o.Output, o.IO); err != nil {
		return err
	}
	return nil
}

// filterAndWrite keeps what the list kabi names ("" keeps everything) and
// writes the set, warning about what would make the result useless: a
// list naming no symbol, type references left without a definition.
func filterAndWrite(s *symtypes.Set, kabi, output string, stdio *cliutil.IO) error {
	if kabi != "" {
		keep, err := parseListFile(kabi)
		if err != nil {
			return err
		}
		if len(keep) == 0 {
			fmt.Fprintf(stdio.ErrOut, "warning: %s lists no symbol: %s keeps no export\n", kabi, output)
		}
		red := s.Filter(keep)
		if _, err := io.WriteString(stdio.Out, red.String()); err != nil {
			return err
		}
	}
	if d := s.Dangling(); len(d) > 0 {
		fmt.Fprintf(stdio.ErrOut, "warning: %s references %d %s defined nowhere (%s): the CRCs of exports using %s cannot be computed\n",
			output, len(d), plural(len(d), "type", "types"), listSome(d, 5), plural(len(d), "it", "them"))
	}
	return writeSet(output, s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// listSome joins the first max items and says how many more there are.
func listSome(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:max], ", "), len(items)-max)
}

// ---- collect

// CollectOptions are the dependencies and arguments of `git kabi collect`.
type CollectOptions struct {
	IO       *cliutil.IO
	BuildDir string
	Output   string
	Kabi     string
}

func collectCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "collect",
		Usage:     "merge every *.symtypes of a kernel build into one Symtypes file",
		ArgsUsage: "<build-dir>",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "Symtypes.build", Usage: "file to write"},
			&cli.StringFlag{Name: "kabi", Aliases: []string{"minimize-kabi"}, Usage: "keep only these exports: a locked list or a Module.kabi/Module.symvers"},
		},
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, 1, "one build directory"); err != nil {
				return err
			}
			return run(c.Context, &CollectOptions{
				IO: stdio, BuildDir: c.Args().Get(0), Output: c.String("output"), Kabi: c.String("kabi"),
			})
		},
	}
}

func runCollect(ctx context.Context, o *CollectOptions) error {
	s, err := collectDir(ctx, o.BuildDir)
	if err != nil {
		return err
	}
	return filterAndWrite(s, o.Kabi, o.Output, o.IO)
}

// collectDir merges every *.symtypes under a kernel build directory.
func collectDir(ctx context.Context, buildDir string) (*symtypes.Set, error) {
	s := symtypes.NewSet()
	n, err := walkFiles(ctx, buildDir, ".symtypes", func(path string) error {
		rel, err := filepath.Rel(buildDir, path)
		if err != nil {
			return err
		}
		b, err := readFile(path)
		if err != nil {
			return err
		}
		return s.AddFile(bytes.NewReader(b), filepath.ToSlash(rel))
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("no *.symtypes files under %s: build the kernel with KBUILD_SYMTYPES=y first", buildDir)
	}
	s.FinishCollect()
	return s, nil
}

// walkFiles calls fn for every file under dir whose name ends in suffix,
// stopping at the first error or when ctx ends, and says how many it saw.
func walkFiles(ctx context.Context, dir, suffix string, fn func(path string) error) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), suffix) {
			return nil
		}
		n++
		return fn(path)
	})
	return n, err
}

// ---- check

// CheckOptions are the dependencies and arguments of `git kabi check`.
type CheckOptions struct {
	IO                          *cliutil.IO
	ModuleKabi, ModuleSymvers   string
	SymtypesKabi, SymtypesBuild string
}

func checkCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check a build's Module.symvers against the locked Module.kabi (exit 1 on breakage)",
		ArgsUsage: "-k <Module.kabi> -s <Module.symvers> [-K <Symtypes.kabi> -S <Symtypes.build>]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "kabi", Aliases: []string{"k", "symvers-kabi"}, Usage: "locked `Module.kabi` (required)"},
			&cli.StringFlag{Name: "symvers", Aliases: []string{"s", "symvers-build"}, Usage: "the build's `Module.symvers` (required)"},
			&cli.StringFlag{Name: "symtypes-kabi", Aliases: []string{"K"}, Usage: "locked `Symtypes.kabi`, to show type differences (with -S)"},
			&cli.StringFlag{Name: "symtypes-build", Aliases: []string{"S"}, Usage: "the build's `Symtypes.build`, to show type differences (with -K)"},
		},
		Action: func(c *cli.Context) error {
			if err := wantOptions(c, "no arguments besides the options", "kabi", "symvers"); err != nil {
				return err
			}
			if (c.String("symtypes-kabi") == "") != (c.String("symtypes-build") == "") {
				return cliutil.Usagef("check: -K and -S go together")
			}
			return run(c.Context, &CheckOptions{
				IO: stdio, ModuleKabi: c.String("kabi"), ModuleSymvers: c.String("symvers"),
				SymtypesKabi: c.String("symtypes-kabi"), SymtypesBuild: c.String("symtypes-build"),
			})
		},
	}
}

func runCheck(_ context.Context, o *CheckOptions) error {
	kabi, err := parseSymversWarn(o.IO, o.ModuleKabi)
	if err != nil {
		return err
	}
	build, err := parseSymversWarn(o.IO, o.ModuleSymvers)
	if err != nil {
		return err
	}
	r := symtypes.Check(kabi, build)
	if err := symtypes.WriteCheck(o.IO.Out, r); err != nil {
		return err
	}
	if r.OK() {
		_, err := io.WriteString(o.IO.Out, "No kABI changes detected, all good.\n")
		return err
	}
	if len(r.Changed) == 0 {
		return cliutil.ErrSilent
	}
	if o.SymtypesKabi == "" {
		_, err := io.WriteString(o.IO.Out, "*** MISSING --symtypes-kabi AND --symtypes-build ***\n\n"+
			"Without this information, we cannot provide detailed diagnostics.\n")
		if err != nil {
			return err
		}
		return cliutil.ErrSilent
	}
	stKabi, err := parseSymtypesFile(o.SymtypesKabi)
	if err != nil {
		return err
	}
	stBuild, err := parseSymtypesFile(o.SymtypesBuild)
	if err != nil {
		return err
	}
	var both, absent []string
	for _, sym := range r.Changed {
		_, ok1 := stKabi.ExportFile(sym)
		_, ok2 := stBuild.ExportFile(sym)
		if ok1 && ok2 {
			both = append(both, sym)
		} else {
			absent = append(absent, sym)
		}
	}
	if len(absent) > 0 {
		fmt.Fprintf(o.IO.ErrOut, "warning: %d changed %s not in both %s and %s (%s): no type difference can be shown for %s;"+
			" collect the Symtypes from the same builds as the Module.kabi and Module.symvers\n",
			len(absent), plural(len(absent), "symbol is", "symbols are"), o.SymtypesKabi, o.SymtypesBuild,
			listSome(absent, 5), plural(len(absent), "it", "them"))
	}
	changes, err := symtypes.ChangedTypes(stKabi, stBuild, both)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(o.IO.Out, "*** DETECTED TYPE DIFFERENCES ***\n\n"); err != nil {
		return err
	}
	if err := symtypes.WriteDiffs(o.IO.Out, stKabi, stBuild, changes, "kABI", "Build"); err != nil {
		return err
	}
	return cliutil.ErrSilent
}
