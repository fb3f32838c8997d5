// Package completion holds the bash and zsh completion of the three
// commands (pqtools.bash, _git-pqtools.zsh) and the test that keeps them in
// step with the commands' options; it has no Go code of its own.
package completion
