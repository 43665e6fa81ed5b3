# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the cowctx scripts. Sourced, not run.
#
# Everything heavy lives in one cache folder outside the repo, so that a
# fresh clone (CI's, or a second developer's) finds the warm toolchain,
# base tree, ccache and build outputs:
#
#   $COWCTX_CACHE/root        Debian sid root: toolchain and guest rootfs
#   $COWCTX_CACHE/base.tar.xz verified copy of the base tarball (if fetched)
#   $COWCTX_CACHE/linux       kernel git repo; base commit tagged
#                             $COWCTX_BASE_TAG, work branch "cowctx"
#   $COWCTX_CACHE/baseline    git worktree of the base (unpatched kernel)
#   $COWCTX_CACHE/fresh       scratch worktree for "applies to a fresh base"
#   $COWCTX_CACHE/ccache      compiler cache
#   $COWCTX_CACHE/debian-7.2  Debian's linux-source-7.2 as a git repo (tag
#                             $COWCTX_DEBIAN_TAG): a user tree that is not
#                             ours, for "git am" only (scripts/setup
#                             --debian-source)
#   $COWCTX_CACHE/b4          scratch repo of scripts/send (b4 prep branch)
#   <tree>/.out-<variant>     build outputs (a direct subdirectory of the
#                             source tree, so kbuild uses srctree=.. and
#                             ccache hits across trees)

set -o pipefail

COWCTX_CACHE=${COWCTX_CACHE:-$HOME/.cache/cowctx}
COWCTX_BASE_VERSION=7.2.8
COWCTX_BASE_TAG=cowctx-base
COWCTX_BASE_SHA256=08f058f9de8d487e32a5c9e2855ee7e35bee1a047e77d37ba797d734c0cc07b3
COWCTX_ROOT=$COWCTX_CACHE/root
COWCTX_LINUX=$COWCTX_CACHE/linux
COWCTX_BASELINE=$COWCTX_CACHE/baseline
COWCTX_FRESH=$COWCTX_CACHE/fresh
COWCTX_BRANCH=cowctx
COWCTX_DEBIAN=$COWCTX_CACHE/debian-7.2
COWCTX_DEBIAN_PKG=linux-source-7.2
COWCTX_DEBIAN_TAG=cowctx-debian

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ../shared beside the repo; a clone made elsewhere from a local checkout
# (CI's clean clone, a scratch copy) finds the one beside that checkout.
SHARED=${COWCTX_SHARED:-$REPO/../shared}
if [ -z "${COWCTX_SHARED:-}" ] && [ ! -d "$SHARED" ]; then
	_origin=$(git -C "$REPO" remote get-url origin 2>/dev/null || true)
	[ -n "$_origin" ] && [ -d "$_origin/../shared" ] && SHARED=$(cd "$_origin/../shared" && pwd)
	unset _origin
fi

# Name of the kernel option this series adds.
COWCTX_OPTION=CONFIG_ANON_COW_CONTEXT
# The oracle, which keeps anon_vma (and each folio's in page_ext) beside
# the contexts: off in the production kernel (scripts/build --prod), which
# keeps the search check.
COWCTX_ORACLE_OPTION=CONFIG_ANON_COW_CONTEXT_VERIFY
# Debug options of the series: on in the tested kernel, off in the one
# scripts/bench measures (scripts/build --perf).
COWCTX_DEBUG_OPTIONS="$COWCTX_ORACLE_OPTION CONFIG_ANON_COW_CONTEXT_SEARCH"

die() { echo "error: $*" >&2; exit 1; }
note() { echo "== $*"; }

need_host_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "host tool '$t' not found (install it, e.g. apt-get install $t)"
	done
}

need_setup() {
	[ -f "$COWCTX_ROOT/.cowctx-stamp" ] ||
		die "toolchain root $COWCTX_ROOT missing: run scripts/setup first"
	git -C "$COWCTX_LINUX" rev-parse -q --verify "refs/tags/$COWCTX_BASE_TAG" >/dev/null 2>&1 ||
		die "base tree $COWCTX_LINUX (tag $COWCTX_BASE_TAG) missing: run scripts/setup first"
}

# Progress on long work. progress_begin LABEL N starts the clock of a job
# of N steps; progress_step K WHAT [DETAIL] prints "== LABEL: step K of N:
# WHAT (elapsed)" and keeps it; while the job runs, a background ticker
# prints the current step again with the elapsed time every COWCTX_TICK
# seconds (default 60; 0: no ticker), followed by the output of the shell
# command DETAIL if given (e.g. how many objects are built so far). Both
# print to stderr; with PROGRESS_QUIET set, only when stderr is a terminal.
# progress_end (also run on exit) stops the ticker.
fmt_elapsed() {
	local s=$(($(date +%s) - $1))
	if [ $s -ge 60 ]; then printf '%d min %02d s' $((s / 60)) $((s % 60)); else printf '%d s' $s; fi
}
progress_begin() {
	local tick=${COWCTX_TICK:-60} parent=$$
	PROGRESS_LABEL=$1 PROGRESS_N=$2 PROGRESS_T0=$(date +%s) PROGRESS_PID=
	PROGRESS_FILE=$(mktemp "${TMPDIR:-/tmp}/cowctx-progress.XXXXXX")
	trap progress_end EXIT
	[ "$tick" -gt 0 ] 2>/dev/null || return 0
	[ -z "${PROGRESS_QUIET:-}" ] || [ -t 2 ] || return 0
	(
		exec 9>&- >/dev/null </dev/null
		while sleep "$tick" 2>/dev/null; do
			kill -0 "$parent" 2>/dev/null && [ -s "$PROGRESS_FILE" ] || exit 0
			{ IFS= read -r what; IFS= read -r detail; } <"$PROGRESS_FILE" || true
			d=$( [ -z "$detail" ] || eval "$detail" 2>/dev/null )
			echo "== $PROGRESS_LABEL: $what, $(fmt_elapsed "$PROGRESS_T0")${d:+, $d}" >&2
		done
	) &
	PROGRESS_PID=$!
}
progress_step() {
	[ -n "${PROGRESS_FILE:-}" ] || return 0
	printf 'step %s of %s: %s\n%s\n' "$1" "$PROGRESS_N" "$2" "${3:-}" >"$PROGRESS_FILE"
	[ -z "${PROGRESS_QUIET:-}" ] || [ -t 2 ] || return 0
	echo "== $PROGRESS_LABEL: step $1 of $PROGRESS_N: $2 ($(fmt_elapsed "$PROGRESS_T0"))" >&2
}
progress_end() {
	[ -z "${PROGRESS_PID:-}" ] || kill "$PROGRESS_PID" 2>/dev/null || true
	[ -z "${PROGRESS_FILE:-}" ] || rm -f "$PROGRESS_FILE"
	PROGRESS_PID= PROGRESS_FILE=
}

# Run a command inside the sid root, in a private mount namespace, with
# the cache and the repo visible at their usual paths. The machine's own
# rustup toolchain is never on PATH in there.
inroot() {
	local cmd=$1 cwd=${INROOT_CWD:-$PWD}
	# ccache's preprocessor filter (scripts/ccache-cpp: why it exists and
	# why it is sound), at one path in the cache folder for every clone.
	cmp -s "$REPO/scripts/ccache-cpp" "$COWCTX_CACHE/ccache-cpp" 2>/dev/null ||
		{ mkdir -p "$COWCTX_CACHE" && cp "$REPO/scripts/ccache-cpp" "$COWCTX_CACHE/ccache-cpp.$$" &&
		  mv -f "$COWCTX_CACHE/ccache-cpp.$$" "$COWCTX_CACHE/ccache-cpp"; }
	unshare --mount --propagation private -- bash -c '
		set -e
		root=$1 cache=$2 repo=$3 shared=$4 cwd=$5 cmd=$6
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		for d in "$cache" "$repo" "$shared"; do
			[ -d "$d" ] || continue
			mkdir -p "$root$d"
			mount --bind "$d" "$root$d"
		done
		exec chroot "$root" /usr/bin/env -i \
			HOME=/root TERM=${TERM:-dumb} LANG=C.UTF-8 \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			CCACHE_DIR="$cache/ccache" CCACHE_BASEDIR="$cache" \
			CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=8G \
			CCACHE_PREFIX_CPP="$cache/ccache-cpp" \
			CCACHE_EXTRAFILES="$cache/ccache-cpp" \
			COWCTX_CACHE="$cache" CI="${CI:-}" \
			bash -c "cd \"$cwd\" && $cmd"
	' inroot "$COWCTX_ROOT" "$COWCTX_CACHE" "$REPO" "$(cd "$SHARED" 2>/dev/null && pwd || echo /nonexistent)" "$cwd" "$cmd"
}

# vng_boot KERNEL RWDIR LIMIT GUEST_COMMAND [QEMU_OPTS]: the one virtme-ng
# command line of the project. Boots bzImage KERNEL on the test machine
# (TCG, since KVM does not boot on these hosts; 4 vCPUs on two NUMA nodes of
# 1 GiB, as the rmap and migration selftests need; slab_nomerge so that
# /proc/slabinfo shows anon_vma and anon_vma_chain on their own), with
# RWDIR writable in the guest, runs GUEST_COMMAND there and powers off,
# at most LIMIT seconds. QEMU_OPTS are added to qemu's command line (bench:
# -icount). The guest's console goes to RWDIR/vng.log; returns vng's status
# (the guest command's).
vng_boot() {
	local kimg=$1 rw=$2 limit=$3 cmd=$4 extra=${5:+ $5}
	[ -f "$kimg" ] || die "no kernel image at $kimg"
	inroot "timeout -k 10 $limit vng -r $kimg --disable-kvm --cpus 4 --memory 2G \
		--numa 1G,cpus=0-1 --numa 1G,cpus=2-3 \
		--qemu-opts='-smp 4,sockets=2,cores=2,threads=1$extra' \
		--append 'slab_nomerge' --rwdir $rw --exec '$cmd'" \
		>"$rw/vng.log" 2>&1 </dev/null
}

# guest_out_dir DIR DEFAULT: an empty results folder (DIR, or DEFAULT
# if DIR is empty) that the root and the guest both see, that is under
# $COWCTX_CACHE or the repo; made, and printed as an absolute path.
guest_out_dir() {
	local d
	d=$(realpath -m "${1:-$2}")
	case "$d/" in
	"$(realpath -m "$COWCTX_CACHE")"/*|"$REPO"/*) ;;
	*) die "--out $d: must be under $COWCTX_CACHE or $REPO (the root and the guest see only those)" ;;
	esac
	[ ! -e "$d" ] || [ -z "$(ls -A "$d")" ] || die "output folder $d is not empty"
	mkdir -p "$d"
	echo "$d"
}

# build_bench_prog SRC BIN: one benchmark program of selftests/bench,
# built in the root for the guest (gcc -O2); the compiler's output goes
# to build.log beside BIN.
build_bench_prog() {
	local log
	log=$(dirname "$2")/build.log
	inroot "gcc -O2 -Wall -Wextra -Wno-unused-parameter -o $2 $1 -lpthread" >>"$log" 2>&1 ||
		{ tail -20 "$log" >&2; die "building $(basename "$1") failed, see $log"; }
}

# The series, in order, as listed in the repo's "series" file.
series_files() {
	[ -f "$REPO/series" ] || die "no 'series' file in $REPO"
	grep -v -e '^#' -e '^[[:space:]]*$' "$REPO/series"
}

# Header fields of cover-letter.txt ("Subject:", "Version:", "Change-Id:"
# lines up to the first blank line; the cover letter's body follows).
cover_field() {
	[ -f "$REPO/cover-letter.txt" ] || die "missing cover-letter.txt"
	sed -n "1,/^\$/s/^$1:[[:space:]]*//p" "$REPO/cover-letter.txt" | head -1
}
cover_body() { sed '1,/^$/d' "$REPO/cover-letter.txt"; }
# Validate cover-letter.txt; print the subject prefix (PATCH or PATCH vN).
cover_prefix() {
	local s v c
	s=$(cover_field Subject) v=$(cover_field Version) c=$(cover_field Change-Id)
	[ -n "$s" ] || die "cover-letter.txt: no 'Subject:' header line"
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "cover-letter.txt: 'Version:' must be a number, not '$v'"
	[ -n "$c" ] || die "cover-letter.txt: no 'Change-Id:' header line"
	if [ "$v" -gt 1 ] && ! cover_body | grep -q "^Changes in v$v"; then
		die "cover-letter.txt: version $v needs a 'Changes in v$v' section below the '---' line"
	fi
	if [ "$v" -gt 1 ]; then echo "PATCH v$v"; else echo PATCH; fi
}

# Reset the scratch worktree $COWCTX_FRESH to the bare base (creating it if
# needed), keeping its build outputs (.out-*).
fresh_worktree() {
	if [ ! -e "$COWCTX_FRESH/.git" ]; then
		rm -rf "$COWCTX_FRESH"
		git -C "$COWCTX_LINUX" worktree prune
		git -C "$COWCTX_LINUX" worktree add -q --detach "$COWCTX_FRESH" "$COWCTX_BASE_TAG"
	fi
	git -C "$COWCTX_FRESH" am --abort >/dev/null 2>&1 || true
	git -C "$COWCTX_FRESH" checkout -q -f --detach "$COWCTX_BASE_TAG"
	git -C "$COWCTX_FRESH" clean -q -fdx -e '.out-*'
}
