# cvenv build. Plain GNU make: every source file under src/ is compiled, so a
# new module or command needs no edit here. Out-of-tree builds: BUILD=dir.
#
#   make                 build $(BUILD)/cvenv
#   make check           the whole suite (tests/check.sh): plain, ASan+UBSan, valgrind
#   make unit            cmocka unit tests only
#   make integration     integration tests against real interpreters and shells
#   make check-faults    FAULT_KILLS (100) random kill -9 runs of create and install
#   make SANITIZE=1      build with AddressSanitizer + UndefinedBehaviorSanitizer
#   make LINK=dynamic    link cvenv the usual way (for distribution packages)
#   make fuzz            libFuzzer targets (clang)
#   make docs            regenerate docs/cvenv.1 and completions from the option tables

VERSION   := 0.1.0
CC        ?= cc
BUILD     ?= build
PKGS      := jansson libcrypto libzip zlib
TEST_PKGS := cmocka

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# libzip and libcrypto are loaded on first use (src/os/lazylib.c), by the
# SONAME of the library pkg-config points at: not linked, so a run that opens
# no wheel does not pay for loading them.
LAZY_PKGS  := libzip libcrypto
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS))) -ldl
soname      = $(shell readelf -d "$$(pkg-config --variable=libdir $(1))/$(1).so" 2>/dev/null | \
                sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
LIBZIP_SONAME    := $(call soname,libzip)
LIBCRYPTO_SONAME := $(call soname,libcrypto)
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c17 $(WARN) $(CFLAGS) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) \
              -DCVENV_VERSION='"$(VERSION)"' -MMD -MP \
              -DCVENV_LIBZIP_SONAME='"$(LIBZIP_SONAME)"' -DCVENV_LIBCRYPTO_SONAME='"$(LIBCRYPTO_SONAME)"'
LDLIBS  := $(PKG_LIBS)

# LINK=static (the default): $(BUILD)/cvenv is a static PIE, glibc and jansson
# linked in, so no dynamic loader runs before main(): no shared objects to
# map, relocate and initialise, 30 fewer page faults, 0.25-0.3 ms of the 1 ms
# a warm `cvenv create --without-pip` takes (BENCHMARKS.md). libzip and
# libcrypto are still loaded on first use with dlopen (src/os/lazylib.c:
# Debian ships no libzip.a), which a static glibc allows for libraries built
# against the same glibc -- hence ld's warning about dlopen in a static link.
# $(BUILD)/cvenv-dynamic is the same objects linked the usual way: valgrind
# needs it (it cannot follow malloc in a static program) and so do the tests
# that inject faults with LD_PRELOAD or watch the loader with LD_DEBUG.
# LINK=dynamic makes $(BUILD)/cvenv that usual link too; SANITIZE=1 implies it.
LINK ?= static
ifeq ($(SANITIZE),1)
  SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  ALL_CFLAGS += $(SAN)
  LDFLAGS += $(SAN)
  LINK := dynamic
endif
ifeq ($(LINK),static)
  STATIC_LIBS := -static-pie $(shell pkg-config --static --libs jansson) -ldl
else ifneq ($(LINK),dynamic)
  $(error LINK must be static or dynamic, not '$(LINK)')
endif

SRC      := $(sort $(wildcard src/*.c src/cmd/*.c src/core/*/*.c src/os/*.c src/util/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
EMBED    := $(sort $(wildcard templates/*)) $(sort $(wildcard src/core/interp/*.py))
OBJ      := $(SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded_data.o
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded_data.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: FORCE all unit integration check check-faults valgrind fuzz fuzz-targets docs clean install
ifeq ($(LINK),static)
  DYNAMIC_BIN := $(BUILD)/cvenv-dynamic
else
  DYNAMIC_BIN := $(BUILD)/cvenv
endif
all: $(BUILD)/cvenv $(DYNAMIC_BIN)

# The link settings, kept in a file that changes only when they do, so that
# switching LINK in a build directory relinks.
LINK_SETTINGS := $(LINK) $(CC) $(LDFLAGS) $(STATIC_LIBS) $(LDLIBS)
$(BUILD)/link-settings: FORCE
	@mkdir -p $(BUILD)
	@echo '$(LINK_SETTINGS)' | cmp -s - $@ || echo '$(LINK_SETTINGS)' >$@
FORCE:

# cvenv-dynamic is only a target of its own when cvenv is static.
$(BUILD)/cvenv: $(OBJ) $(BUILD)/link-settings
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(if $(STATIC_LIBS),$(STATIC_LIBS),$(LDLIBS))
$(BUILD)/cvenv-dynamic: $(OBJ) $(BUILD)/link-settings
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -Werror -O1 -o $@ $<

$(BUILD)/gen/embedded_data.c: $(BUILD)/tools/embed $(EMBED)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(EMBED)

$(BUILD)/gen/embedded_data.o: $(BUILD)/gen/embedded_data.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) $(TEST_LIBS)

unit: $(UNIT_BIN)
	@sh tests/unit/run.sh $(UNIT_BIN)

integration: $(BUILD)/cvenv $(DYNAMIC_BIN)
	@CVENV_BIN=$(abspath $(BUILD)/cvenv) CVENV_DYNAMIC_BIN=$(abspath $(DYNAMIC_BIN)) \
		sh tests/integration/run.sh

# The whole suite: plainly, under ASan+UBSan (leaks included), some under valgrind.
check:
	@sh tests/check.sh

# Randomized kill -9 runs (tests/integration/killrun_lib.sh): create with pip
# and a 200-wheel install, FAULT_KILLS kills each (make check runs 20).
FAULT_KILLS ?= 100
check-faults: $(BUILD)/cvenv $(DYNAMIC_BIN)
	@CVENV_FAULT_KILLS=$(FAULT_KILLS) CVENV_BIN=$(abspath $(BUILD)/cvenv) \
		CVENV_DYNAMIC_BIN=$(abspath $(DYNAMIC_BIN)) \
		sh tests/integration/run.sh t4203-attack-kill-create.sh t4204-attack-kill-install.sh

valgrind: $(DYNAMIC_BIN)
	@CVENV_BIN=$(abspath $(DYNAMIC_BIN)) CVENV_DYNAMIC_BIN=$(abspath $(DYNAMIC_BIN)) CVENV_WRAPPER="valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
		sh tests/integration/run.sh $(VALGRIND_TESTS)

# libFuzzer targets fuzz/fuzz_<name>.c, built with clang into build-fuzz and
# linked with the library objects; run e.g. build-fuzz/fuzz_pep440 fuzz/corpus/pep440.
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
ifeq ($(FUZZ),1)
  ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -Wno-format-nonliteral
  LDFLAGS += -fsanitize=address,undefined
endif
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O1 FUZZ=1 fuzz-targets
fuzz-targets: $(FUZZ_SRC:fuzz/%.c=$(BUILD)/%)
$(BUILD)/fuzz_%: fuzz/fuzz_%.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

docs: $(BUILD)/cvenv
	$(BUILD)/cvenv help --man > docs/cvenv.1
	@mkdir -p docs/completions
	$(BUILD)/cvenv completion bash > docs/completions/cvenv.bash
	$(BUILD)/cvenv completion zsh > docs/completions/_cvenv
	$(BUILD)/cvenv completion fish > docs/completions/cvenv.fish

clean:
	rm -rf build build-asan build-fuzz

PREFIX ?= /usr/local
install: $(BUILD)/cvenv
	install -Dm755 $(BUILD)/cvenv $(DESTDIR)$(PREFIX)/bin/cvenv
	install -Dm644 docs/cvenv.1 $(DESTDIR)$(PREFIX)/share/man/man1/cvenv.1
	install -Dm644 docs/completions/cvenv.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cvenv
	install -Dm644 docs/completions/_cvenv $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_cvenv
	install -Dm644 docs/completions/cvenv.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/cvenv.fish

-include $(OBJ:.o=.d) $(LIB_OBJ:.o=.d)
