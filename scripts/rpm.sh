#!/usr/bin/env bash
# Builds the suite's RPM from `git archive` of HEAD (uncommitted changes are
# not packaged), with the Go modules vendored into the tarball, using
# rpmbuild (Debian's rpm package works). Usage: scripts/rpm.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-dist}")"
version="${PQ_VERSION:-0.1.0}"
command -v rpmbuild >/dev/null || { echo "rpm.sh: rpmbuild is missing (Debian package rpm)" >&2; exit 1; }
top="$(mktemp -d)"
trap 'rm -rf "$top"' EXIT
mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS} "$out"
src="$top/pqtools-$version"
git archive --format=tar --prefix="pqtools-$version/" HEAD | tar -x -C "$top"
(cd "$src" && go mod vendor)
# A reproducible tarball: sorted names, fixed owner and the commit's date.
date="@$(git log -1 --format=%ct HEAD)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$date" \
	-C "$top" -cf - "pqtools-$version" | gzip -n >"$top/SOURCES/pqtools-$version.tar.gz"
cp packaging/pqtools.spec "$top/SPECS/"
# --nodeps: Debian's rpm database is empty, so BuildRequires cannot be
# checked; the build below needs only go on PATH.
rpmbuild -ba --nodeps --quiet \
	--define "_topdir $top" --define "pq_version $version" \
	--define "_build_id_links none" \
	"$top/SPECS/pqtools.spec"
find "$top/RPMS" "$top/SRPMS" -name '*.rpm' -exec cp {} "$out/" \;
ls "$out"/*.rpm
