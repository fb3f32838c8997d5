// Package highlight gives the patch view chroma lexers and chroma's
// monokai style, built on first use. Importing chroma's lexers and styles
// packages builds their registries (about 280 lexer definitions and 70
// styles) when the program starts, 25 ms on a quiet machine and 100 ms and
// more on a busy one, on every run, text and JSON output included; here the
// cost is paid by the first highlighted line, in the UI only.
//
// The definitions are chroma v2.27.0's own (lexers/embedded/*.xml,
// styles/monokai.xml and the Go lexer of lexers/go.go; MIT licence, see
// COPYING.chroma), for the languages a patch queue usually holds. Files in
// other languages are shown without colours.
package highlight

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

//go:embed lexers/*.xml monokai.xml
var files embed.FS

var registry = sync.OnceValue(func() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	paths, err := fs.Glob(files, "lexers/*.xml")
	if err != nil {
		panic(err) // the pattern is valid: cannot happen
	}
	for _, p := range paths {
		reg.Register(chroma.MustNewXMLLexer(files, p))
	}
	reg.Register(goLexer())
	return reg
})

// Match returns the lexer for a file name (chroma's filename globs), or
// nil.
func Match(filename string) chroma.Lexer { return registry().Match(filename) }

// Get returns the lexer of a name or alias ("c", "go"), or nil.
func Get(name string) chroma.Lexer { return registry().Get(name) }

// Monokai is chroma's monokai style.
var Monokai = sync.OnceValue(func() *chroma.Style {
	f, err := files.Open("monokai.xml")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	defer f.Close()
	s, err := chroma.NewXMLStyle(f)
	if err != nil {
		panic(err) // embedded and tested
	}
	return s
})

// Entries returns the style entry of each byte of text as lexer tokenises
// it and style colours it; zero entries (no colour) without a lexer, and
// where tokenising fails or stops short. EnsureLF is off: turning CRLF into
// LF would shift every offset after it.
func Entries(lexer chroma.Lexer, style *chroma.Style, text string) []chroma.StyleEntry {
	out := make([]chroma.StyleEntry, len(text))
	if lexer == nil {
		return out
	}
	it, err := lexer.Tokenise(&chroma.TokeniseOptions{State: "root"}, text)
	if err != nil {
		return out
	}
	pos := 0
	for tok := it(); tok != chroma.EOF && pos < len(text); tok = it() {
		e := style.Get(tok.Type)
		end := min(pos+len(tok.Value), len(text))
		for i := pos; i < end; i++ {
			out[i] = e
		}
		pos = end
	}
	return out
}
