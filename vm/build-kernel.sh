#!/bin/bash
# vm/build-kernel.sh - build the (patched or unpatched) Linux 6.12 guest kernel.
#
# usage: vm/build-kernel.sh [--unpatched] [--dir] [--force]
#
#   (default)     Debian linux-source-6.12 + kernel-patches/6.12/*.patch
#   --unpatched   the same source and config without the series (benchmark baseline)
#   --dir         print the cache directory instead of the bzImage path
#   --force       rebuild even if the cache has this key
#
# Prints the path of the bzImage on stdout; progress goes to stderr.
# The result lives in ${ZAPD_CACHE:-/var/cache/zapd}/kernel/<variant>-<key>/:
#   bzImage     the kernel QEMU boots
#   src/        the built tree (vmlinux, mm/memory.o, .config) for bloat-o-meter:
#               src/scripts/bloat-o-meter unpatched/src/vmlinux patched/src/vmlinux
#   build.log   the full make output
#   series      the patches applied, in order
# <key> is the sha256 of the variant, the patches, config.fragment, this script
# and the source tarball's identity, so a cache hit costs a few hashes.
set -eu
# The whole script is one { } block: bash parses it completely before running
# it, so editing or checking out this file mid-build cannot derail a build.
{
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${ZAPD_CACHE:-/var/cache/zapd}
tarball=${ZAPD_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
fragment=$here/config.fragment
patchdir=$top/kernel-patches/6.12
variant=patched
print=bzimage
force=0

step=args
die() { echo "build-kernel: step '$step' failed: $*" >&2; exit 1; }

for a in "$@"; do
	case $a in
	--unpatched) variant=unpatched ;;
	--patched) variant=patched ;;
	--dir) print=dir ;;
	--force) force=1 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) die "unknown argument '$a' (see --help)" ;;
	esac
done

step=prerequisites
[ -r "$tarball" ] || die "no kernel source at $tarball (linux-source-6.12 missing: run scripts/install-deps)"
for t in make gcc ld flex bison bc perl patch xz tar sha256sum flock; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found (run scripts/install-deps)"
done
[ -e /usr/include/gelf.h ] || die "libelf headers missing (run scripts/install-deps)"
[ -e /usr/include/openssl/ssl.h ] || die "openssl headers missing (run scripts/install-deps)"
[ -r "$fragment" ] || die "missing $fragment"

# The series: every *.patch in order, except ones without a diff (a
# format-patch cover letter).
patches=()
skipped=
if [ "$variant" = patched ]; then
	if [ -d "$patchdir" ]; then
		for p in "$patchdir"/*.patch; do
			[ -e "$p" ] || continue
			grep -q '^--- ' "$p" || { skipped="$skipped $(basename "$p")"; continue; }
			patches+=("$p")
		done
	fi
	[ ${#patches[@]} -gt 0 ] || echo "build-kernel: warning: no patches in $patchdir: the 'patched' kernel is the plain source" >&2
fi

step='key'
key=$( {
	echo "variant=$variant"
	stat -c 'tarball=%n %s %Y' "$tarball"
	sha256sum "$fragment" "$0" | cut -d' ' -f1
	for p in ${patches[@]+"${patches[@]}"}; do
		echo "patch=$(basename "$p")"
		sha256sum < "$p" | cut -d' ' -f1
	done
} | sha256sum | cut -c1-16)
out=$cache/kernel/$variant-$key

emit() {
	if [ "$print" = dir ]; then echo "$out"; else echo "$out/bzImage"; fi
}

if [ "$force" = 0 ] && [ -e "$out/.done" ]; then
	emit
	exit 0
fi

step=cache
mkdir -p "$cache/kernel" || die "cannot create $cache/kernel (set ZAPD_CACHE to a writable directory)"
exec 9>"$cache/kernel/.lock"
if ! flock -n 9; then
	echo "build-kernel: waiting for another kernel build (lock $cache/kernel/.lock)" >&2
	flock 9
fi
# Another build may have finished it while we waited.
if [ "$force" = 0 ] && [ -e "$out/.done" ]; then
	emit
	exit 0
fi

# With the lock held no other build is running: any *.tmp tree is left over
# from one that was killed.
for stale in "$cache"/kernel/*.tmp; do
	[ -d "$stale" ] || continue
	echo "build-kernel: removing the leftover of an interrupted build: $stale" >&2
	rm -rf "$stale"
done
tmp=$out.tmp
rm -rf "$tmp" "$out"
mkdir -p "$tmp"
log=$tmp/build.log
: > "$log"
start=$(date +%s)

[ -z "$skipped" ] || echo "build-kernel: skipping$skipped (no diff: cover letter)" >&2

step=unpack
echo "build-kernel: [$variant $key] unpacking $tarball" >&2
tar -xJf "$tarball" -C "$tmp" || die "tar -xJf $tarball"
mv "$tmp/linux-source-6.12" "$tmp/src" || die "unexpected tarball layout (no linux-source-6.12/)"
src=$tmp/src

step='patch'
: > "$tmp/series"
for p in ${patches[@]+"${patches[@]}"}; do
	name=$(basename "$p")
	if ! res=$(cd "$src" && patch -p1 --dry-run --batch --forward < "$p" 2>&1); then
		printf "    %s\n" "$res" >&2
		die "patch $name does not apply to 6.12 source (dry run above)"
	fi
	(cd "$src" && patch -p1 --batch --forward --quiet < "$p") >>"$log" 2>&1 ||
		die "patch $name failed after a clean dry run (see $log)"
	echo "$name" >> "$tmp/series"
	echo "build-kernel: applied $name" >&2
done

kmake() { make -C "$src" ARCH=x86_64 KBUILD_BUILD_USER=zapd KBUILD_BUILD_HOST=zapd "$@"; }

step=config
echo "build-kernel: configuring (tinyconfig + vm/config.fragment)" >&2
{
	kmake tinyconfig &&
	(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$fragment") &&
	kmake olddefconfig
} >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "kernel configuration (log: $log)"; }

# merge_config.sh only warns when a value does not stick: check every one.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		opt=${line%%=*}
		grep -qxF "$line" "$src/.config" || {
			got=$(grep -E "^($opt=|# $opt is not set)" "$src/.config" || echo "absent")
			echo "build-kernel: config: wanted '$line', got '$got'" >&2
			bad=1
		} ;;
	"# CONFIG_"*" is not set")
		opt=${line#"# "}; opt=${opt%% *}
		if grep -q "^$opt=" "$src/.config"; then
			echo "build-kernel: config: wanted '$line', got '$(grep "^$opt=" "$src/.config")'" >&2
			bad=1
		fi ;;
	esac
done < "$fragment"
[ "$bad" = 0 ] || die "options of vm/config.fragment not set after olddefconfig (a missing dependency; listed above)"

step=compile
echo "build-kernel: building bzImage with -j$(nproc) (log: $log)" >&2
if ! kmake -j"$(nproc)" bzImage >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20 >&2 || true
	tail -n 30 "$log" >&2
	rm -rf "$out.failed"; mv "$tmp" "$out.failed"
	die "make bzImage (full log: $out.failed/build.log)"
fi
cp "$src/arch/x86/boot/bzImage" "$tmp/bzImage"
echo "$(( $(date +%s) - start ))" > "$tmp/build-seconds"

step=publish
mv "$tmp" "$out"
touch "$out/.done"
ln -sfn "$variant-$key" "$cache/kernel/$variant-latest"
echo "build-kernel: built $variant kernel in $(cat "$out/build-seconds") s: $out" >&2

# Keep the three newest trees of this variant (each is ~1.5 GB).
step=prune
# shellcheck disable=SC2012
ls -1dt "$cache/kernel/$variant"-???????????????? 2>/dev/null | tail -n +4 | while IFS= read -r old; do
	echo "build-kernel: pruning old tree $old" >&2
	rm -rf "$old"
done
emit
exit 0
}
