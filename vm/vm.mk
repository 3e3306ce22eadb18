# vm/vm.mk - patched kernel, initramfs and QEMU end-to-end tests
#
#   make vm           guest kernel (kernel-patches/6.12 applied) + initramfs, cached
#   make vm-test      boot it, run every workload under trace-cmd, check the zap events
#   make fixtures     re-record tests/data/*.dat (+ .facts) in the guest
#   make bench-trace  a >=5M-event trace in $(ZAPD_CACHE)/bench/zap-5m.dat
#   make bench-trace-21m  the same storm 4x longer: .../bench/zap-21m.dat
#   make vm-unpatched the same kernel without the series (benchmark baseline)
#   make workloads    the static guest workloads, in $(BUILD)/workloads
#
# Kernels and initramfs images are cached under $(ZAPD_CACHE) by content
# hash; a cached `make vm` takes about a second.  See docs/vm.md.

VM_TESTS	:= $(sort $(wildcard tests/vm/*.t))
TESTS		+= $(VM_TESTS)
CHECK_PREREQS	+= vm

.PHONY: vm vm-kernel vm-unpatched vm-initramfs vm-test fixtures bench-trace \
	bench-trace-21m workloads

workloads:
	@$(MAKE) -s -C workloads O=$(abspath $(BUILD))/workloads

vm-kernel:
	@vm/build-kernel.sh >/dev/null

vm-unpatched:
	@vm/build-kernel.sh --unpatched

# zapd goes into the initramfs when it exists; build it first if we can.
vm-initramfs: workloads
	@BUILD=$(BUILD) vm/mkinitramfs.sh >/dev/null

vm: vm-kernel vm-initramfs
	@echo "vm: kernel $$(vm/build-kernel.sh)"
	@echo "vm: initramfs $$(BUILD=$(BUILD) vm/mkinitramfs.sh)"

vm-test: vm
	prove --exec '' $(VM_TESTS)

fixtures: vm
	BUILD=$(BUILD) tests/data/regen.sh

bench-trace: vm
	BUILD=$(BUILD) vm/bench-trace.sh

bench-trace-21m: vm
	BUILD=$(BUILD) vm/bench-trace.sh 10240 1024 zap-21m
