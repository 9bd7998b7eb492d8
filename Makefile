# Bulwark build entry points. `make demo` and `make test` are the two commands
# README.md documents; .ci/run calls `make test` after starting real services.
GO      ?= go
BIN     := bin/bulwark
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -s -w -X github.com/bulwark-sec/bulwark/internal/cli.version=$(VERSION)

# Static (CGO_ENABLED=0) everywhere: the binary runs on any Linux, in a
# scratch container too, and starts without the dynamic loader (the pure-Go
# DNS resolver and user lookups read /etc/resolv.conf and /etc/passwd). vet,
# lint, the tests and the binaries tests build use the same setting, so the
# tests exercise the code as it ships and each package is compiled once: the
# ~280 packages that depend on net compile differently with cgo, and a
# mixed run compiled them twice on a fresh clone (docs/PERFORMANCE.md).
# CGO_ENABLED set in the environment still wins, except for `make build`.
CGO_ENABLED ?= 0
export CGO_ENABLED

.PHONY: build demo test testflags third-party bench fuzz vet lint

# The release binary is static whatever the environment says.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/bulwark

# Scans the sample image bundled in testdata/demo against the advisory
# subset bundled beside it, offline. (Regenerate the image with
# `go run testdata/demo/gen.go`.)
demo: build
	./$(BIN) db import --db bin/demo.db testdata/demo/advisories
	./$(BIN) scan --db bin/demo.db --format table testdata/demo/demo-image.tar

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }

# staticcheck, pinned by the tools module (tools/go.mod and go.sum; its own
# module so the linter's dependencies never move the product's), built into
# bin/; staticcheck.conf says which checks. The first build fetches it from
# the Go module proxy into the module cache, like the modules go.mod lists;
# later runs need no network (GOPROXY=off works).
lint:
	$(GO) build -C tools -o ../bin/staticcheck honnef.co/go/tools/cmd/staticcheck
	./bin/staticcheck ./...

# The whole test suite. Tests needing Docker, PostgreSQL or ../shared skip with
# a reason unless BULWARK_REQUIRE_DOCKER=1 / BULWARK_REQUIRE_POSTGRES=1.
# internal/testsum prints what go test prints plus one line counting the
# skipped tests by reason, before go test's last package line; the exit
# status is go test's.
# third_party's own tests run first (the third-party target), so that go
# test's summary of the whole suite is the last thing printed.
# -p 4: four test packages at once, not one per CPU: most of the suite's
# time is spent waiting on the Docker engine, PostgreSQL, Chromium and
# subprocesses (under one CPU of two busy on average at -p 2), so on a 2-core
# machine four packages finish the suite in 30–40% less wall time
# (docs/PERFORMANCE.md, "Test suite").
# -vet=off: the vet target has just run every analyzer over the same
# packages and their tests; go test's own vet pass (a subset of them, cached
# under other keys) would only repeat it, ~25 CPU-s on a fresh clone.
# -ldflags=-w: test binaries are linked without DWARF (nothing runs them
# under a debugger here; stack traces use the symbol table, which stays).
# go test links all ~120 of them on every run; without DWARF that takes
# 10–15% less CPU (`go test -count=1 -run '^$' ./...`: 86 → 77 CPU-s).
# -o bin/test/: go test writes each test binary there, and then keeps the
# linked binary in the Go build cache, so the next run links only the test
# binaries whose code changed (every one is linked again without -o, ~100
# CPU-s a run; -count=1 still runs every test). It needs a distinct last
# path element per package with tests (test binaries are named by it);
# TestTestBinaryNamesUnique keeps it so. The binaries take ~1 GB there,
# and as much in the build cache per set of changes (go trims entries
# unused for five days).
# bench/testsuite.sh runs go test with the same flags (`make -s testflags`).
TESTFLAGS := -p 4 -count=1 -vet=off -ldflags=-w -o bin/test/ -timeout 20m
test: vet lint third-party
	$(GO) build -o bin/testsum ./internal/testsum
	GO=$(GO) ./bin/testsum $(TESTFLAGS) ./...

testflags:
	@echo $(TESTFLAGS)

# third_party/ holds patched copies of dependencies (each README.md says
# what changed). third_party/test.sh vets each and runs upstream's unit
# tests of the code its patch can reach; they change only when a copy is
# updated, so go test's result cache serves them on later runs (no
# -count=1: that is for the suite's tests of real services).
third-party:
	GO=$(GO) ./third_party/test.sh

bench: build
	./bench/run.sh

# A short run of every fuzz target (FUZZTIME=1m for longer).
FUZZTIME ?= 10s
fuzz:
	./bench/fuzz.sh $(FUZZTIME)
