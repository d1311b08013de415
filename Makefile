# Makefile: build, test, run and benchmark fangai.
#
#   make          build the release binary build/release/fangai
#   make run      create the demo city under var/, its accounts, and serve it
#   make check    every test, built with AddressSanitizer and UBSan
#   make check-long  the long reliability runs: 200 crash-loop cycles per writer,
#                 fault injection at every SQLite allocation, 30 s overload floods
#   make bench    the benchmarks under bench/, on the release build
#
# Sources are found by wildcard: a new lib/<subsystem>/*.c, src/{cli,server}/*.c or
# tests/unit/test_*.c needs no edit here.

VARIANT ?= release
B := build/$(VARIANT)

PKGS := sqlite3 libutf8proc opencc json-c libmicrohttpd libsodium xlsxwriter libpq
CC ?= cc
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wvla
CPPFLAGS_ALL = -Iinclude -Isrc/cli -Isrc/server -D_GNU_SOURCE -DFANGAI_DATADIR='"$(CURDIR)/data"' \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread

ifeq ($(VARIANT),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifeq ($(VARIANT),fuzz)
CC := clang
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
else
OPT := -O2 -g
endif
CFLAGS_ALL = -std=c11 $(OPT) $(WARN) $(CFLAGS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard lib/*/*.c))
CLI_SRC := $(sort $(wildcard src/*/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
MIGRATIONS := $(sort $(wildcard schema/sqlite/*.sql))

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/migrations_sqlite.o
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(B)/bench/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

BOOTSTRAP := build/.bootstrap

.PHONY: all run check check-long bench fuzz clean unit-tests bench-bins fuzz-bins
.DEFAULT_GOAL := all

all: $(B)/fangai

$(BOOTSTRAP): scripts/bootstrap $(wildcard package-lock.json)
	@./scripts/bootstrap
	@mkdir -p build && touch $@

$(B)/%.o: %.c $(BOOTSTRAP) $(wildcard include/fangai/*.h) $(wildcard lib/*/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Ilib/store -c $< -o $@

$(B)/gen/migrations_sqlite.c: $(MIGRATIONS) tools/embed-migrations.sh
	@mkdir -p $(dir $@)
	@sh tools/embed-migrations.sh fg_sqlite_migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(B)/gen/migrations_sqlite.o: $(B)/gen/migrations_sqlite.c lib/store/store_int.h
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Ilib/store -c $< -o $@

$(B)/gen/commands.def: $(CLI_SRC) tools/gen-commands.sh
	@mkdir -p $(dir $@)
	@sh tools/gen-commands.sh $(CLI_SRC) > $@.tmp && mv $@.tmp $@

$(B)/src/cli/fangai.o: $(B)/gen/commands.def
$(B)/src/cli/fangai.o: CPPFLAGS_ALL += -I$(B)/gen

$(B)/libfangai.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/fangai: $(CLI_OBJ) $(B)/libfangai.a
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(B)/libfangai.a $(LIBS)

# The fault-injection test fails libfangai's own allocations through these wrappers.
$(B)/tests/test_faults: TEST_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup

$(B)/tests/%: tests/unit/%.c $(B)/libfangai.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Ilib/store -Itests/unit -o $@ $< $(B)/libfangai.a \
		$(LIBS) -lcmocka $(LDFLAGS_ALL) $(TEST_LDFLAGS)

$(B)/bench/%: bench/%.c $(B)/libfangai.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Ilib/store -o $@ $< $(B)/libfangai.a $(LIBS) $(LDFLAGS_ALL)

# The command-line harness runs the fangai command's main(): it links the CLI.
CLI_PARTS := $(filter-out $(B)/src/cli/fangai.o,$(CLI_OBJ))
$(B)/fuzz/fuzz_cli: $(CLI_PARTS) $(B)/gen/commands.def
$(B)/fuzz/fuzz_cli: FUZZ_LINK = $(CLI_PARTS)
$(B)/fuzz/fuzz_cli: CPPFLAGS_ALL += -I$(B)/gen

# The server's harnesses run requests through its routing: they link src/server.
SERVER_PARTS := $(filter $(B)/src/server/%,$(CLI_OBJ))
SERVER_FUZZ := $(addprefix $(B)/fuzz/fuzz_,api_json fhir_resource fhir_search http_path)
$(SERVER_FUZZ): $(SERVER_PARTS) tests/fuzz/fuzz_server.h
$(SERVER_FUZZ): FUZZ_LINK = $(SERVER_PARTS)

$(B)/fuzz/%: tests/fuzz/%.c $(B)/libfangai.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(FUZZ_LINK) $(B)/libfangai.a $(LIBS)

unit-tests: $(UNIT_BIN) $(B)/fangai
fuzz-bins: $(FUZZ_BIN)
bench-bins: $(BENCH_BIN) $(B)/fangai

# make check runs each fuzzer briefly (FUZZ_SECONDS, default 5); make fuzz for longer.
check:
	@$(MAKE) -s --no-print-directory VARIANT=asan unit-tests
	@$(MAKE) -s --no-print-directory VARIANT=fuzz fuzz-bins
	@FANGAI_BUILD=build/asan FANGAI_FUZZ_BUILD=build/fuzz tests/run

CRASH_CYCLES ?= 200
check-long:
	@$(MAKE) -s --no-print-directory VARIANT=asan unit-tests
	@CRASH_CYCLES=$(CRASH_CYCLES) FANGAI_BUILD=build/asan tests/run cli/crash
	@FANGAI_FAULT_STRIDE=1 FANGAI_BUILD=build/asan VERBOSE=1 tests/run unit/test_faults
	@OVERLOAD_SECONDS=30 FANGAI_BUILD=build/asan VERBOSE=1 tests/run cli/server-overload

FUZZ_SECONDS ?= 300
fuzz:
	@$(MAKE) -s --no-print-directory VARIANT=fuzz fuzz-bins
	@for f in build/fuzz/fuzz/fuzz_*; do \
		FUZZ_SECONDS=$(FUZZ_SECONDS) tests/lib/run-fuzzer $$f || exit 1; done

bench:
	@$(MAKE) -s --no-print-directory VARIANT=release bench-bins
	@FANGAI_BUILD=build/release bench/run

DEMO_DB := var/demo.db
DEMO_PERSONS ?= 50000
DEMO_PORT ?= 8080

run: $(B)/fangai
	@mkdir -p var
	@if [ ! -f $(DEMO_DB) ]; then \
		$(B)/fangai init --db $(DEMO_DB) && \
		$(B)/fangai synth --db $(DEMO_DB) --persons $(DEMO_PERSONS) --seed 2026 --screening --network --registry && \
		$(B)/fangai link synth --persons 2000 --duplicates 0.1 --seed 2026 | cut -d, -f1,3-8 >var/demo-his.csv && \
		$(B)/fangai import persons var/demo-his.csv --db $(DEMO_DB) --institution 1 --source his \
			--skip-bad-rows --quiet >/dev/null; \
		$(B)/fangai link scan --db $(DEMO_DB); \
	fi
	@$(B)/fangai stats summary --db $(DEMO_DB)
	@sh scripts/demo-accounts $(B)/fangai $(DEMO_DB)
	@echo "log in: curl -d '{\"username\":\"ccc.registry\",\"password\":\"...\",\"client\":\"api\"}' -H 'Content-Type: application/json' http://127.0.0.1:$(DEMO_PORT)/api/login"
	@$(B)/fangai serve --db $(DEMO_DB) --port $(DEMO_PORT)

clean:
	rm -rf build/release build/asan build/fuzz
