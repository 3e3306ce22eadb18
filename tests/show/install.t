#!/bin/sh
# install.t - make install into a temporary DESTDIR with PREFIX=/usr: the
# binary, the SQL, the man page, the bash completion and the systemd unit
# land where PREFIX says, the unit runs $(PREFIX)/bin/zapd and passes
# systemd-analyze verify, the installed page renders and the installed
# completion works; the default PREFIX is /usr/local.
cd "$(dirname "$0")/../.." || exit 1
. tests/show/lib.sh

D=$T/root
make -s --no-print-directory install DESTDIR=$D PREFIX=/usr BUILD=$BUILD > $T/out 2>&1
is "$?:$(cat $T/out)" "0:" "make install DESTDIR=... PREFIX=/usr: exit 0, quiet"
for f in usr/bin/zapd usr/share/man/man8/zapd.8 \
	 usr/share/bash-completion/completions/zapd \
	 usr/lib/systemd/system/zapd-live.service \
	 usr/share/zapd/queries/slowest.sql usr/share/zapd/schema/001-initial.sql; do
	[ -f $D/$f ]
	ok $? "installed $f"
done
is "$(find $D -type f | wc -l)" \
   "$((4 + $(ls queries/*.sql | wc -l) + $(ls schema/*.sql | wc -l)))" \
   "nothing else installed"
is "$(stat -c %a $D/usr/bin/zapd):$(stat -c %a $D/usr/share/man/man8/zapd.8)" \
   "755:644" "modes: binary 755, page 644"
unit=$D/usr/lib/systemd/system/zapd-live.service
grep -q '^ExecStart=/usr/bin/zapd live ' $unit
ok $? "unit's ExecStart names PREFIX/bin/zapd"
is "$(grep -c /usr/local $unit)" 0 "no /usr/local left in the unit"
"$D/usr/bin/zapd" --version > /dev/null
ok $? "installed zapd runs"
MANWIDTH=80 man --warnings=w -l $D/usr/share/man/man8/zapd.8 > $T/man 2>&1
ok $? "installed man page renders"
is "$(bash -c '. "$1"; COMP_LINE="zapd ex"; COMP_POINT=7; _zapd;
	echo "${COMPREPLY[*]}"' x $D/usr/share/bash-completion/completions/zapd)" \
   "export" "installed completion completes"
if command -v systemd-analyze > /dev/null; then
	sed "s|/usr/bin/zapd|$D/usr/bin/zapd|" $unit > $T/zapd-live.service
	MANPATH=$D/usr/share/man systemd-analyze verify $T/zapd-live.service \
		> $T/verify 2>&1
	is "$?:$(cat $T/verify)" "0:" "systemd-analyze verify: clean"
else
	echo "# SKIP systemd-analyze not installed"
fi
make -s --no-print-directory install DESTDIR=$T/local BUILD=$BUILD > /dev/null 2>&1
[ -x $T/local/usr/local/bin/zapd ] &&
	grep -q '^ExecStart=/usr/local/bin/zapd ' \
		$T/local/usr/local/lib/systemd/system/zapd-live.service
ok $? "default PREFIX /usr/local"
done_testing
