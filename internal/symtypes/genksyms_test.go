package symtypes

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The kernel's own genksyms is the oracle: the test writes C translation
// units, runs genksyms on each, and requires Report to give every CRC it
// printed, from each unit's .symtypes alone and from all of them collected
// into one file (where types defined differently in different units become
// duplicated versions).

const genksymsPath = "/usr/lib/linux-kbuild-6.1/scripts/genksyms/genksyms"

type unit struct {
	name string // e.g. "drivers/tu07.symtypes"
	c    string
	// from genksyms:
	symtypes []byte
	crcs     map[string]uint32
}

var symverRe = regexp.MustCompile(`(?m)^#SYMVER (\S+) 0x([0-9a-f]{8})$`)

func runGenksyms(t *testing.T, dir string, u *unit) {
	t.Helper()
	types := filepath.Join(dir, strings.ReplaceAll(u.name, "/", "_"))
	cmd := exec.Command(genksymsPath, "-T", types)
	cmd.Stdin = strings.NewReader(u.c)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("genksyms on %s: %v\n%s\n--- input:\n%s", u.name, err, stderr.String(), u.c)
	}
	if stderr.Len() > 0 {
		t.Fatalf("genksyms on %s complained: %s\n--- input:\n%s", u.name, stderr.String(), u.c)
	}
	u.crcs = map[string]uint32{}
	for _, m := range symverRe.FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseUint(m[2], 16, 32)
		u.crcs[m[1]] = uint32(v)
	}
	if len(u.crcs) == 0 {
		t.Fatalf("genksyms printed no #SYMVER for %s: %q", u.name, out)
	}
	if u.symtypes, err = os.ReadFile(types); err != nil {
		t.Fatal(err)
	}
}

// handUnits are small cases aimed at one rule each.
var handUnits = []string{
	// back-references: the second use of a struct, and self-reference
	`struct list { struct list *next, *prev; };
struct holder { struct list a; struct list b; int n; };
int hold(struct holder *h, struct list *l);
__GENKSYMS_EXPORT_SYMBOL(hold);`,
	// typedef back-reference is the bare name; enumerator expands to its value
	`typedef unsigned long ulong_t;
enum sizes { SMALL = 4, BIG = SMALL * 4 };
struct arr { ulong_t a[BIG]; ulong_t b[SMALL]; ulong_t c[BIG]; };
extern ulong_t arrsum(struct arr *a, ulong_t n);
__GENKSYMS_EXPORT_SYMBOL(arrsum);`,
	// pointer to an incomplete type: struct X { UNKNOWN }
	`struct opaque;
union u1 { struct opaque *p; long l; };
void *take(union u1 u, struct opaque *o);
__GENKSYMS_EXPORT_SYMBOL(take);`,
	// function pointers, const, variables, extern variable
	`typedef int (*cb_t)(void *data, const char *name);
struct ops { cb_t open; void (*close)(struct ops *self); const struct ops *parent; };
extern const struct ops default_ops;
__GENKSYMS_EXPORT_SYMBOL(default_ops);
int nr_ops;
__GENKSYMS_EXPORT_SYMBOL(nr_ops);`,
	// anonymous nested aggregates and bitfields
	`struct packet { union { struct { unsigned int a:3, b:5; } bits; unsigned int word; }; struct { char c; } tail[2]; };
unsigned int packet_word(const struct packet *p);
__GENKSYMS_EXPORT_SYMBOL(packet_word);`,
	// mutual recursion between a struct and a union through a typedef
	`struct tree;
typedef struct tree tree_t;
union leaf { tree_t *sub; int value; };
struct tree { union leaf left, right; tree_t *parent; };
tree_t *tree_root(union leaf *l);
__GENKSYMS_EXPORT_SYMBOL(tree_root);`,
}

// genUnit writes a random translation unit. Types named shared_* are
// defined differently by different units (or only forward-declared), which
// is what makes collect produce versions.
func genUnit(r *rand.Rand, n int) string {
	var b strings.Builder
	p := fmt.Sprintf("tu%02d_", n)
	base := []string{"int", "unsigned int", "long", "unsigned long", "char", "short", "unsigned char", "long long"}
	// shared typedef: two variants
	if r.Intn(2) == 0 {
		b.WriteString("typedef unsigned int shared_t;\n")
	} else {
		b.WriteString("typedef unsigned long shared_t;\n")
	}
	// shared enum: variants differ by an enumerator
	fmt.Fprintf(&b, "enum shared_e { SE_A, SE_B = %d, SE_C };\n", 1+r.Intn(3))
	// shared struct: forward declaration only, or one of three bodies
	switch r.Intn(4) {
	case 0:
		b.WriteString("struct shared_s;\n")
	case 1:
		b.WriteString("struct shared_s { int x; shared_t y; struct shared_s *next; };\n")
	case 2:
		b.WriteString("struct shared_s { long x; enum shared_e e; };\n")
	default:
		b.WriteString("struct shared_s { int x; shared_t y; struct shared_s *next; char pad[SE_B]; };\n")
	}
	b.WriteString("struct never_defined;\n")
	fmt.Fprintf(&b, "enum %scolor { %sRED, %sGREEN = %d, %sBLUE };\n", p, p, p, 3+r.Intn(5), p)
	types := []string{"shared_t", "enum shared_e", "struct shared_s *", "struct never_defined *", "enum " + p + "color"}
	nstructs := 2 + r.Intn(4)
	for i := 0; i < nstructs; i++ {
		kw := "struct"
		if r.Intn(4) == 0 {
			kw = "union"
		}
		name := fmt.Sprintf("%s%s%d", p, kw[:1], i)
		fmt.Fprintf(&b, "%s %s {\n", kw, name)
		nm := 1 + r.Intn(6)
		for m := 0; m < nm; m++ {
			var ty string
			if r.Intn(3) == 0 {
				ty = base[r.Intn(len(base))]
			} else {
				ty = types[r.Intn(len(types))]
			}
			switch r.Intn(7) {
			case 0:
				fmt.Fprintf(&b, "\t%s m%d[%d];\n", ty, m, 1+r.Intn(8))
			case 1:
				fmt.Fprintf(&b, "\t%s m%d[%sGREEN];\n", ty, m, p)
			case 2:
				fmt.Fprintf(&b, "\t%s %s *self%d;\n", kw, name, m) // recursion
			case 3:
				fmt.Fprintf(&b, "\tint (*fn%d)(%s, %s %s *);\n", m, ty, kw, name)
			case 4:
				fmt.Fprintf(&b, "\tstruct { %s in%d; char c; } nest%d;\n", ty, m, m)
			default:
				fmt.Fprintf(&b, "\t%s m%d;\n", ty, m)
			}
		}
		b.WriteString("};\n")
		types = append(types, kw+" "+name, kw+" "+name+" *")
		if r.Intn(2) == 0 {
			fmt.Fprintf(&b, "typedef %s %s %s%d_t;\n", kw, name, p, i)
			types = append(types, fmt.Sprintf("%s%d_t", p, i))
		}
	}
	nexp := 2 + r.Intn(5)
	for i := 0; i < nexp; i++ {
		sym := fmt.Sprintf("%sexport%d", p, i)
		if r.Intn(4) == 0 {
			fmt.Fprintf(&b, "%s%s %s;\n", map[bool]string{true: "extern ", false: ""}[r.Intn(2) == 0], types[r.Intn(len(types))], sym)
		} else {
			var args []string
			for a := r.Intn(4); a >= 0; a-- {
				args = append(args, types[r.Intn(len(types))])
			}
			fmt.Fprintf(&b, "%s %s(%s);\n", types[r.Intn(len(types))], sym, strings.Join(args, ", "))
		}
		fmt.Fprintf(&b, "__GENKSYMS_EXPORT_SYMBOL(%s);\n", sym)
	}
	return b.String()
}

func corpus(t *testing.T) []*unit {
	t.Helper()
	var units []*unit
	for i, c := range handUnits {
		units = append(units, &unit{name: fmt.Sprintf("hand/h%02d.symtypes", i), c: c})
	}
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 60; i++ {
		units = append(units, &unit{name: fmt.Sprintf("gen/sub%d/tu%02d.symtypes", i%3, i), c: genUnit(r, i)})
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	for _, u := range units {
		wg.Go(func() { runGenksyms(t, dir, u) })
	}
	wg.Wait()
	return units
}

func checkReport(t *testing.T, what string, s *Set, want map[string]uint32) int {
	t.Helper()
	n := 0
	for sym, crc := range want {
		got, err := s.CRC(sym)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		if got != crc {
			text, _ := s.Expand(sym)
			t.Errorf("%s: %s: CRC 0x%08x, genksyms says 0x%08x; expansion:\n%s", what, sym, got, crc, text)
		}
		n++
	}
	return n
}

func TestCRCMatchesGenksyms(t *testing.T) {
	units := corpus(t)
	all := map[string]uint32{}
	single := 0
	collected := NewSet()
	for _, u := range units {
		s, err := Parse(bytes.NewReader(u.symtypes), u.name)
		if err != nil {
			t.Fatal(err)
		}
		single += checkReport(t, u.name, s, u.crcs)
		rep, err := s.Report()
		if err != nil {
			t.Fatal(err)
		}
		if len(rep) != len(u.crcs) {
			t.Errorf("%s: report has %d symbols, genksyms exported %d", u.name, len(rep), len(u.crcs))
		}
		for sym, crc := range u.crcs {
			all[sym] = crc
		}
		if err := collected.AddFile(bytes.NewReader(u.symtypes), u.name); err != nil {
			t.Fatal(err)
		}
	}
	collected.FinishCollect()
	if len(collected.dupes) < 3 {
		t.Fatalf("corpus produced %d duplicated types, want several", len(collected.dupes))
	}
	n := checkReport(t, "collected", collected, all)

	// Through the collected file format and back.
	var buf bytes.Buffer
	if _, err := collected.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	reread, err := Parse(bytes.NewReader(buf.Bytes()), "Symtypes.build")
	if err != nil {
		t.Fatal(err)
	}
	n += checkReport(t, "collected and re-read", reread, all)

	// Filtering keeps everything the kept exports need.
	keep := map[string]bool{}
	wantKept := map[string]uint32{}
	i := 0
	for sym, crc := range all {
		if i%3 == 0 {
			keep[sym], wantKept[sym] = true, crc
		}
		i++
	}
	red := reread.Filter(keep)
	if red.SymbolsAfter >= red.SymbolsBefore {
		t.Errorf("filter removed nothing: %+v", red)
	}
	n += checkReport(t, "filtered", reread, wantKept)
	t.Logf("%d units, %d exports checked one unit at a time, %d CRC checks on collected forms, %d duplicated types",
		len(units), single, n, len(collected.dupes))
}
