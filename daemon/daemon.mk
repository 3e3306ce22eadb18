# daemon/daemon.mk - zapd build and tests (filled in by the daemon work)
.PHONY: zapd
zapd:
