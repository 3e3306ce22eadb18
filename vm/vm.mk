# vm/vm.mk - patched kernel, initramfs and QEMU end-to-end tests
