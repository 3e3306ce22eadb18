#!/bin/bash
# vm/mkinitramfs.sh - build the guest initramfs (gzip'd newc cpio).
#
# usage: vm/mkinitramfs.sh
#
# Contents: busybox-static, trace-cmd and its shared libraries (from ldd),
# the static workloads (workloads/, built by its Makefile into
# $BUILD/workloads), build/zapd and its libraries if it exists, vm/init.
# Prints the path of the cpio; cached in ${ZAPD_CACHE:-/var/cache/zapd}/initramfs/
# under the sha256 of everything that goes into it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${ZAPD_CACHE:-/var/cache/zapd}
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac

step=args
die() { echo "mkinitramfs: step '$step' failed: $*" >&2; exit 1; }
[ $# -eq 0 ] || die "no arguments expected (got '$*')"

step=prerequisites
for t in cpio gzip ldd sha256sum make cc; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found (run scripts/install-deps)"
done
busybox=/bin/busybox
[ -x "$busybox" ] && file_is_static=$(ldd "$busybox" 2>&1 || true)
case ${file_is_static:-missing} in
*"not a dynamic executable"*|*"statically linked"*) ;;
*) die "$busybox is not the static busybox (install busybox-static: run scripts/install-deps)" ;;
esac
tracecmd=$(command -v trace-cmd) || die "trace-cmd not found (run scripts/install-deps)"

step=workloads
make -s -C "$top/workloads" O="$build/workloads" >&2 || die "building workloads (make -C workloads)"

step=stage
stage=$(mktemp -d "${TMPDIR:-/tmp}/zapd-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,results,root,etc,opt/zapd/bin}
cp "$busybox" "$stage/bin/busybox"
install -m 0755 "$here/init" "$stage/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$stage/etc/passwd"
printf 'root:x:0:\n' > "$stage/etc/group"

# copy_dyn BIN DEST: the binary and every library ldd resolves, at the same paths
copy_dyn() {
	install -D -m 0755 "$1" "$stage$2"
	ldd "$1" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | while IFS= read -r lib; do
		[ -e "$stage$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
	done
}
copy_dyn "$tracecmd" /usr/bin/trace-cmd
[ -e "$stage/lib64/ld-linux-x86-64.so.2" ] || die "ldd did not list the dynamic loader for $tracecmd"

n=0
for w in "$build"/workloads/*; do
	if [ ! -f "$w" ] || [ ! -x "$w" ]; then continue; fi
	install -m 0755 "$w" "$stage/opt/zapd/bin/"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no workloads in $build/workloads"
if [ -x "$build/zapd" ]; then
	copy_dyn "$build/zapd" /opt/zapd/bin/zapd
	echo "mkinitramfs: including $build/zapd" >&2
fi

step=key
key=$(cd "$stage" && find . \( -type f -o -type l \) | LC_ALL=C sort | while IFS= read -r f; do
	if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f $(sha256sum < "$f" | cut -c1-64) $(stat -c %a "$f")"; fi
done | sha256sum | cut -c1-16)
out=$cache/initramfs/initramfs-$key.cpio.gz
if [ -e "$out" ]; then
	echo "$out"
	exit 0
fi

step=cpio
mkdir -p "$cache/initramfs" || die "cannot create $cache/initramfs"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -n -1) > "$out.tmp" ||
	die "cpio/gzip of $stage"
mv "$out.tmp" "$out"
ln -sfn "$(basename "$out")" "$cache/initramfs/latest.cpio.gz"
# keep the five newest
# shellcheck disable=SC2012
ls -1t "$cache"/initramfs/initramfs-*.cpio.gz | tail -n +6 | xargs -r rm -f
echo "mkinitramfs: $(du -h "$out" | cut -f1) $out" >&2
echo "$out"
