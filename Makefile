# jnetfs: top-level entry points. Every target finds a JDK >= 25 by itself (.ci/find-jdk).
SHELL := /bin/bash
JAVA_HOME := $(shell .ci/find-jdk)
ifeq ($(JAVA_HOME),)
$(error no JDK >= 25 found: install one (e.g. Temurin 25 under /usr/lib/jvm) or set JAVA_HOME)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
# Maven's own libraries use sun.misc.Unsafe; keep JDK 25 from warning about them on every run.
export MAVEN_OPTS ?= --sun-misc-unsafe-memory-access=allow
MVN := mvn -B -ntp

BINDINGS_DIR := ffm-bindings/src/main/jextract
GEN_DIR := ffm-bindings/src/main/java
GEN_PKG_DIR := $(GEN_DIR)/io/jnetfs/ffm/gen

.PHONY: all build test demo bindings bindings-check clean

all: build

## build: compile and package every module (no tests); leaves bin/jnetfs ready to run
## (it runs the shaded jar cli/target/jnetfs.jar with a JDK >= 25 found by .ci/find-jdk), and beside the
## jar the AOT cache it starts with (cli/target/jnetfs.aot, from a training run of the common commands
## against a local jnetfs serve: .ci/aot-train; JNETFS_AOT=0 make build skips it)
build:
	$(MVN) -q install -DskipTests
	@chmod +x bin/jnetfs
	@if [ "$${JNETFS_AOT:-1}" != 0 ]; then .ci/aot-train; fi

## test: the whole test suite, as CI runs it. A test whose peer or kernel feature is missing skips with
## the reason; JNETFS_REQUIRE=GLOBS makes the features it names required instead, so their absence fails
## the run (-Djnetfs.require, see testkit's Require): CI runs `make test JNETFS_REQUIRE='**'`
test:
	$(MVN) install$(if $(JNETFS_REQUIRE), '-Djnetfs.require=$(JNETFS_REQUIRE)')

## demo: the main job: starts a 9P server (jnetfs serve in the same JVM; --server diod for diod)
## on 127.0.0.1 exporting a temporary directory, writes a 256 MiB file through jnetfs, reads it cold
## (from the server, filling the disk cache) and warm (from the cache), checks the checksums, prints
## throughput and counters per phase, and stops the server
demo: build
	bin/jnetfs demo

## bindings: regenerate io.jnetfs.ffm.gen with a jextract found on PATH
bindings:
	@command -v jextract >/dev/null || { echo "jextract not found on PATH. Get a build for JDK 22+ (https://jdk.java.net/jextract/ or build openjdk/jextract) and put its bin/ on PATH." >&2; exit 1; }
	rm -rf $(GEN_PKG_DIR)
	jextract --output $(GEN_DIR) @$(BINDINGS_DIR)/includes.txt $(BINDINGS_DIR)/jnetfs.h
	@.ci/check-bindings $(GEN_PKG_DIR) $(BINDINGS_DIR)/includes.txt

## bindings-check: regenerate into a temporary directory and fail on any difference
bindings-check:
	@command -v jextract >/dev/null || { echo "jextract not found on PATH; see 'make bindings'." >&2; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	  jextract --output $$tmp @$(BINDINGS_DIR)/includes.txt $(BINDINGS_DIR)/jnetfs.h && \
	  diff -r $$tmp/io/jnetfs/ffm/gen $(GEN_PKG_DIR) && echo "bindings-check: generated code is up to date"

clean:
	$(MVN) -q clean

## bench: the benchmark suite, short profile (under 15 minutes on 2 cores): JMH with -prof gc beside
## its peers (C references compiled now, fio, iperf3, diodcat) and the machine facts; raw results in
## benchmarks/results/, the table in the generated region of BENCHMARKS.md
## bench-full: the same with the long profile
.PHONY: bench bench-full bench-startup
# JMH's forks inherit these JVM options (JMH itself uses sun.misc.Unsafe)
BENCH := $(JAVA_HOME)/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp benchmarks/target/benchmarks.jar io.jnetfs.benchmarks.harness.BenchHarness --machine-facts

## bench-startup: the jnetfs command as whole processes beside diod's C tools in the same hyperfine run
## (--help, small cat, stat, ls, cat of 1 GiB from diod vs diodcat) and make demo's phases: medians, ranges,
## CPU seconds and ratios in benchmarks/results/startup-*.md (benchmarks/startup/bench-startup.sh; a few
## minutes; BENCH_STARTUP_ARGS=--quick for a one-minute check). bench and bench-full run it after JMH.
bench: build
	$(BENCH) --profile short --command "make bench"
	benchmarks/startup/bench-startup.sh $(BENCH_STARTUP_ARGS)

bench-full: build
	$(BENCH) --profile full --command "make bench-full"
	benchmarks/startup/bench-startup.sh $(BENCH_STARTUP_ARGS)

bench-startup: build
	benchmarks/startup/bench-startup.sh $(BENCH_STARTUP_ARGS)

## bench-clean: removes the scratch directory the benchmarks keep for reuse between runs (several GiB:
## the 1 GiB data files, the 9P export): jnetfs-bench under java.io.tmpdir (/tmp), or BENCH_DIR=DIR where
## the runs were given -Djnetfs.bench.dir=DIR (io.jnetfs.benchmarks.support.Scratch); also the scratch
## files that versions before it left directly in /tmp
.PHONY: bench-clean
BENCH_DIR ?= /tmp/jnetfs-bench
bench-clean:
	rm -rf '$(BENCH_DIR)' /tmp/jnetfs-p9-bench /tmp/jnetfs-uring-1g.dat /tmp/jnetfs-uring-1g-write.dat
