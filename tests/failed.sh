#!/bin/sh
# failed.sh DIR - the failing checks of the TAP files under DIR (make
# check keeps every test's TAP there), each with the diagnostics that
# follow it, and the tests whose TAP has no plan (they ended early); a
# test that only exited non-zero is in prove's summary, not here
[ -d "$1" ] || exit 0
find "$1" -type f | sort | while read -r f; do
	t=${f#"$1"/}
	awk -v t="$t" '
		/^not ok/ { show = 1; print t ": " $0; next }
		/^#/ && show { print t ": " $0; next }
		{ show = 0 }
		/^1\.\.[0-9]+/ { plan = 1 }
		END { if (!plan) print t ": no plan (ended early)" }' "$f"
done
