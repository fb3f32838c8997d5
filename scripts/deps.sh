#!/usr/bin/env bash
# Installs the Debian packages the tests use as oracles or drivers, only when
# missing, so the test command works on a fresh machine and costs nothing on
# a prepared one.
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v rpmspec >/dev/null || need+=(rpm)
command -v rpmbuild >/dev/null || need+=(rpm)
[ -x /usr/lib/linux-kbuild-6.1/scripts/genksyms/genksyms ] || need+=(linux-kbuild-6.1)
command -v pahole >/dev/null || need+=(pahole)
command -v gcc >/dev/null || need+=(gcc)
command -v tmux >/dev/null || need+=(tmux)
command -v patch >/dev/null || need+=(patch)
command -v xz >/dev/null || need+=(xz-utils)
command -v zstd >/dev/null || need+=(zstd)
command -v zsh >/dev/null || need+=(zsh)
command -v cpio >/dev/null || need+=(cpio)
[ -f /usr/share/bash-completion/completions/git ] || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}" >&2
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
