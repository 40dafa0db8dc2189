# Makefile - build, test, demo and install aliasaudit. Plain GNU make.
#
#   make              build ./build/aliasaudit
#   make test         unit (cmocka) and end-to-end tests
#   make SAN=1 test   the same, built with ASan+UBSan into build-san/
#   make demo         start the bundled demo tenant on loopback and audit it
#   make bench        the benchmarks in bench/ (never part of make test)
#   make install      PREFIX=/usr/local DESTDIR= (binary, man page)
#
#   make check-layers  fail when a lower layer includes a higher one
#
# Sources are found per directory: src/<layer>/ (docs/architecture.md),
# providers/<name>/ one provider each, providers/registry.c the list of them,
# tests/unit/test_*.c unit test programs, tests/mocks/*.c the mock server,
# tests/fuzz/fuzz_*.c fuzz targets.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=
CC        ?= cc

PKGS      := libcurl libcjson openssl liboauth2 inih sqlite3 libcares libpsl
TEST_PKGS := cmocka libmicrohttpd

# Install what is missing (Debian packages) the first time make runs on a machine.
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) $(TEST_PKGS) && echo ok),ok)
$(info make: a library is missing; running scripts/install-deps)
$(if $(shell scripts/install-deps >&2 && echo ok),,$(error scripts/install-deps failed))
endif
endif

ifeq ($(SAN),1)
BUILD     ?= build-san
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
BUILD     ?= build
SANFLAGS  :=
endif

WARN      := -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc -I. -DALIASAUDIT_VERSION='"$(VERSION)"' \
             $(shell pkg-config --cflags $(PKGS))
LIBS      := $(shell pkg-config --libs $(PKGS)) -lm -lpthread
TEST_LIBS := $(shell pkg-config --libs cmocka)
MOCK_LIBS := $(shell pkg-config --libs libmicrohttpd libcjson openssl) -lpthread

CORE_SRCS     := $(filter-out src/cli/main.c,$(sort $(wildcard src/*/*.c)))
PROVIDER_SRCS := $(sort $(wildcard providers/*.c providers/*/*.c))
LIB_SRCS      := $(CORE_SRCS) $(PROVIDER_SRCS)
LIB_OBJS      := $(LIB_SRCS:%.c=$(BUILD)/%.o)
# ar keys archive members by base name: two sources called x.c in different
# directories would silently replace each other in libaliasaudit.a
DUP_NAMES     := $(shell printf '%s\n' $(notdir $(LIB_SRCS)) | sort | uniq -d)
ifneq ($(DUP_NAMES),)
$(error source file names must be unique across src/ and providers/: $(DUP_NAMES))
endif
UNIT_SRCS     := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS     := $(UNIT_SRCS:%.c=$(BUILD)/%)
MOCK_SRCS     := $(sort $(wildcard tests/mocks/*.c))
MOCK_OBJS     := $(MOCK_SRCS:%.c=$(BUILD)/%.o)
MOCK_BIN      := $(if $(MOCK_SRCS),$(BUILD)/mockd)
BIN           := $(BUILD)/aliasaudit

.PHONY: all test unit e2e demo bench install uninstall clean fuzz fuzz-long help deps check-layers
all: $(BIN) $(MOCK_BIN)

deps:
	scripts/install-deps

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libaliasaudit.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/cli/main.o $(BUILD)/libaliasaudit.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libaliasaudit.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -o $@ $< $(BUILD)/libaliasaudit.a $(LIBS) $(TEST_LIBS)

$(BUILD)/tests/mocks/%.o: tests/mocks/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags libmicrohttpd) -MMD -MP -c -o $@ $<

$(BUILD)/mockd: $(MOCK_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(MOCK_LIBS)

test: $(BIN) $(MOCK_BIN) $(UNIT_BINS)
	@BUILD=$(BUILD) tests/run-tests

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) tests/run-tests --unit-only

e2e: $(BIN) $(MOCK_BIN)
	@BUILD=$(BUILD) tests/run-tests --e2e-only

demo: $(BIN) $(MOCK_BIN)
	@BUILD=$(BUILD) scripts/demo

bench: $(BIN) $(MOCK_BIN)
	@BUILD=$(BUILD) bench/run

fuzz:
	$(MAKE) -f tests/fuzz/Makefile BUILD=build-fuzz VERSION=$(VERSION) LIB_SRCS="$(LIB_SRCS)" \
		LIB_CFLAGS="$(shell pkg-config --cflags $(PKGS))" LIB_LIBS="$(LIBS)"

# fuzz-long - every fuzz target for an hour (FUZZ_SECONDS), keeping inputs
# that add coverage in tests/fuzz/corpus/ (merged, minimised)
FUZZ_SECONDS ?= 3600
fuzz-long: fuzz
	FUZZ_KEEP=1 tests/fuzz/run-all $(FUZZ_SECONDS)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/aliasaudit
	install -m 0644 docs/aliasaudit.1 $(DESTDIR)$(MANDIR)/man1/aliasaudit.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/aliasaudit $(DESTDIR)$(MANDIR)/man1/aliasaudit.1

clean:
	rm -rf build build-san build-fuzz

check-layers:
	@scripts/check-layers

help:
	@sed -n '2,16p' Makefile | sed 's/^# \{0,1\}//'

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
