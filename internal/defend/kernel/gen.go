package kernel

// The eBPF objects are generated from bpf/sensor.bpf.c and committed, so a
// build needs no C toolchain. Regenerate (Debian: apt-get install clang-16
// llvm-16 libbpf-dev) with:
//
//	go generate ./internal/defend/kernel
//
// bpf/vmlinux.h comes from `bpftool btf dump file /sys/kernel/btf/vmlinux format c`;
// CO-RE relocations adapt the objects to the running kernel's BTF.

//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -cc clang-16 -strip llvm-strip-16 -cflags "-O2 -g -Wall -Werror" -target amd64 -type event -type cfilter -type pred_key -type pred_val -type deny_key -type sensor_settings sensor bpf/sensor.bpf.c -- -I/usr/include/x86_64-linux-gnu -I./bpf
