// Package packaging holds the suite's own RPM spec (pqtools.spec, built by
// scripts/rpm.sh through `make rpm`) and the test that builds it with
// rpmbuild and checks what the package holds; it has no Go code.
package packaging
