package kabi

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/patchqueue/pqtools/internal/atomicfile"
	"github.com/patchqueue/pqtools/internal/cliutil"
	rules "github.com/patchqueue/pqtools/internal/kabi"
	"github.com/urfave/cli/v2"
)

// LockedListOptions are the dependencies and arguments of `git kabi
// lockedlist`.
type LockedListOptions struct {
	IO     *cliutil.IO
	Output string
	Dirs   []string // one driver each, its section named after the directory
	Append bool
}

func lockedListCommand(stdio *cliutil.IO, run func(context.Context, any) error) *cli.Command {
	return &cli.Command{
		Name:      "lockedlist",
		Usage:     "write the kernel symbols that built driver modules use, as a locked list",
		ArgsUsage: "[--append] <out> <driver-dir>...",
		Description: "For each driver directory, reads every *.ko below it and lists the symbols they leave\n" +
			"undefined (what they need from the kernel) in a \"[<dir name>]\" section, one symbol per\n" +
			"line after a tab, sorted and unique: the format of hypervisor-dev's generate_locked_list.sh.\n" +
			"With --append, the sections are added to the existing file (replacing any of the same\n" +
			"name); the file is written atomically either way.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "append", Usage: "add the sections to an existing locked list"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() < 2 {
				return cliutil.Usagef("lockedlist: expected an output file and at least one driver directory")
			}
			return run(c.Context, &LockedListOptions{IO: stdio, Output: c.Args().First(),
				Dirs: c.Args().Slice()[1:], Append: c.Bool("append")})
		},
	}
}

func runLockedList(ctx context.Context, o *LockedListOptions) error {
	var sections []rules.Section
	names := map[string]string{}
	for _, dir := range o.Dirs {
		name := filepath.Base(filepath.Clean(dir))
		if prev, ok := names[name]; ok {
			return cliutil.Usagef("lockedlist: %s and %s would both be section [%s]", prev, dir, name)
		}
		names[name] = dir
		syms, err := driverSymbols(ctx, dir)
		if err != nil {
			return err
		}
		sections = append(sections, rules.Section{Name: name, Symbols: rules.SortSymbols(syms)})
	}
	if o.Append {
		b, err := readFile(o.Output)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		default:
			old, err := rules.ParseLockedList(bytes.NewReader(b), o.Output)
			if err != nil {
				return err
			}
			sections = rules.MergeSections(old, sections)
		}
	}
	var buf bytes.Buffer
	if err := rules.WriteLockedList(&buf, sections); err != nil {
		return err
	}
	if err := atomicfile.Write(o.Output, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", o.Output, unwrapPath(err))
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// driverSymbols gathers the undefined symbols of every *.ko under dir.
func driverSymbols(ctx context.Context, dir string) ([]string, error) {
	var syms []string
	n, err := walkFiles(ctx, dir, ".ko", func(path string) error {
		s, err := undefinedSymbols(path)
		syms = append(syms, s...)
		return err
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot read %s: %w", pe.Path, pe.Err)
		}
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("no *.ko under %s: build the driver first", dir)
	}
	return syms, nil
}

// undefinedSymbols lists the named symbols of an ELF object's symbol
// table whose section is SHN_UNDEF: what `objdump -t` marks *UND*.
func undefinedSymbols(path string) ([]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot read %s: %w", path, pe.Err)
		}
		var fe *elf.FormatError
		if errors.As(err, &fe) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s is not a kernel module: not an ELF object", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	all, err := f.Symbols()
	if err != nil {
		if errors.Is(err, elf.ErrNoSymbols) {
			return nil, fmt.Errorf("%s has no symbol table (stripped?): use the unstripped module", path)
		}
		return nil, fmt.Errorf("%s: read symbols: %w", path, err)
	}
	var out []string
	for _, s := range all {
		if s.Section == elf.SHN_UNDEF && s.Name != "" {
			out = append(out, s.Name)
		}
	}
	return out, nil
}
