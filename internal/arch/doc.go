// Package arch holds no code: its test reads the module's sources and keeps
// the architecture true (STYLE.md): one package runs programs, one package
// asks git and reads its answers, format packages stay pure, and the
// command layer holds no domain logic that would need either.
package arch
