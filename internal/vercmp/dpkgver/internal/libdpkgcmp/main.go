//go:build libdpkg && cgo

// Command libdpkgcmp answers version comparisons with dpkg's own code
// (libdpkg's parseversion and dpkg_version_compare, from libdpkg-dev). The
// dpkgver package's differential test builds it on demand: running dpkg
// --compare-versions once per pair would take minutes for the 100,000 pairs
// the test checks.
//
// Input: one pair per line, "A\tB". Output: one line per pair, "<", "=" or
// ">", or "E" when dpkg refuses either version (a parse error, not a warning).
package main

/*
#cgo pkg-config: libdpkg
#define LIBDPKG_VOLATILE_API 1
#include <stdlib.h>
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>

static int cmp(const char *a, const char *b, int *bad) {
	struct dpkg_version va, vb;
	struct dpkg_error err;
	*bad = 0;
	if (parseversion(&va, a, &err) < 0) {
		*bad |= err.type == DPKG_MSG_ERROR;
		dpkg_error_destroy(&err);
	}
	if (parseversion(&vb, b, &err) < 0) {
		*bad |= err.type == DPKG_MSG_ERROR;
		dpkg_error_destroy(&err);
	}
	if (*bad)
		return 0;
	return dpkg_version_compare(&va, &vb);
}
*/
import "C"

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unsafe"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a, b, ok := strings.Cut(in.Text(), "\t")
		if !ok {
			fmt.Fprintln(os.Stderr, "libdpkgcmp: line without a tab")
			os.Exit(2)
		}
		ca, cb := C.CString(a), C.CString(b)
		var bad C.int
		r := C.cmp(ca, cb, &bad)
		C.free(unsafe.Pointer(ca))
		C.free(unsafe.Pointer(cb))
		switch {
		case bad != 0:
			out.WriteString("E\n")
		case r < 0:
			out.WriteString("<\n")
		case r > 0:
			out.WriteString(">\n")
		default:
			out.WriteString("=\n")
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "libdpkgcmp:", err)
		os.Exit(2)
	}
}
