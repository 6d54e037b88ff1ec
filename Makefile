# cvenv build. Plain GNU make: every source file under src/ is compiled, so a
# new module or command needs no edit here. Out-of-tree builds: BUILD=dir.
#
#   make                 build $(BUILD)/cvenv
#   make check           the whole suite (tests/check.sh): plain, ASan+UBSan,
#                        valgrind, clang, LINK=static
#   make CC=clang BUILD=build-clang    the same warnings, from clang
#   make unit            cmocka unit tests only
#   make integration     integration tests against real interpreters and shells
#   make check-faults    FAULT_KILLS (100) random kill -9 runs of create and install
#   make SANITIZE=1      build with AddressSanitizer + UndefinedBehaviorSanitizer
#   make LINK=static     opt-in: a static PIE that loads libzip and libcurl
#                        on first use (faster start; see BENCHMARKS.md)
#   make fuzz            libFuzzer targets (clang)
#   make docs            regenerate docs/cvenv.1 and completions from the option tables

VERSION   := 0.1.0
CC        ?= cc
BUILD     ?= build
# nettle first: it binds its ~550 symbols at load (BIND_NOW) and the loader
# looks each up in this order, so they are found one library sooner (20k
# instructions of every run's start-up, BENCHMARKS.md)
PKGS      := nettle jansson libzip libcurl zlib
# LINK=dynamic: cvenv itself links these; libcurl only its HTTP helper.
CVENV_PKGS := $(filter-out libcurl,$(PKGS))
TEST_PKGS := cmocka

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c17 $(WARN) $(CFLAGS) -Isrc -Ithird_party -I$(BUILD)/gen $(PKG_CFLAGS) \
              -DCVENV_VERSION='"$(VERSION)"' -MMD -MP

# LINK=dynamic (the default): $(BUILD)/cvenv is linked the usual way, with a
# NEEDED entry for every library it calls (what ldd, dpkg-shlibdeps and rpm's
# dependency scan read), but libzip: Debian's libzip needs libcrypto, whose
# relocation (BIND_NOW, 3000 symbols) was nearly all of cvenv's start-up, so
# cvenv opens libzip with dlopen when a wheel is first opened
# (src/os/lazylib.c), through a plugin, $(BUILD)/cvenv-zip.so (installed in
# $(LIBEXECDIR)/cvenv), that has the NEEDED entry for it: packaging tools see
# the dependency there, as they see libcurl's on the HTTP helper.
# It is the binary every test phase runs: plain, ASan+UBSan (SANITIZE=1) and
# valgrind.
# LINK=static (opt-in): a static PIE, glibc, jansson, nettle and zlib linked
# in, and libzip and libcurl loaded with dlopen on first use
# (src/os/lazylib.c; Debian ships no libzip.a, and its libcurl.a needs the
# static forms of every TLS, HTTP/2 and IDN library), so a run that opens no
# wheel and asks no index maps no shared object at all.
# It starts faster (BENCHMARKS.md, "The default build"), but dlopen from a
# static glibc needs the very glibc it was built against at run time (ld warns
# about it), `ldd` calls it "not a dynamic executable" and packaging tools see
# no dependency on libzip or libcurl: build it for your own machine only.
# tests/check.sh runs a short phase against it. LD_PRELOAD and LD_DEBUG do not
# work on it: the tests that need them declare the DYNAMIC prerequisite.
LINK ?= dynamic
# The lazily loaded libraries are found by their SONAME, read from the files
# pkg-config points at, so the binary loads exactly the ABI it was compiled
# against.
soname = $(shell readelf -d "$$(pkg-config --variable=libdir $(1))/$(1).so" 2>/dev/null | \
           sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
ifeq ($(SANITIZE),1)
  SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  ALL_CFLAGS += $(SAN)
  LDFLAGS += $(SAN)
  override LINK := dynamic
endif
ifeq ($(LINK),dynamic)
  # The index client's HTTP runs in a helper program, $(BUILD)/cvenv-http
  # (installed in $(LIBEXECDIR)/cvenv, see ARCHITECTURE.md): it alone links
  # libcurl, so cvenv's start-up does not load it and its two dozen
  # libraries, while packaging tools still see the dependency.
  LDLIBS := $(shell pkg-config --libs $(filter-out libzip,$(CVENV_PKGS))) -ldl
  HELPER := $(BUILD)/cvenv-http $(BUILD)/cvenv-zip.so
  $(BUILD)/src/os/lazylib.o: ALL_CFLAGS += -DCVENV_LIBZIP_SONAME='"$(call soname,libzip)"' \
                                           -DCVENV_ZIP_PLUGIN='"cvenv-zip.so"'
else ifeq ($(LINK),static)
  LAZY_PKGS := libzip libcurl
  $(BUILD)/src/os/lazylib.o: ALL_CFLAGS += -DCVENV_LIBZIP_SONAME='"$(call soname,libzip)"' \
                                           -DCVENV_LIBCURL_SONAME='"$(call soname,libcurl)"'
  LDLIBS := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS))) -ldl
  CVENV_LDLIBS := -static-pie $(shell pkg-config --static --libs $(filter-out $(LAZY_PKGS),$(PKGS))) -ldl
else
  $(error LINK must be dynamic or static, not '$(LINK)')
endif
# The link batch (os/linkbatch.c) makes links from threads; built with
# URING=1 (liburing, liburing-dev), also through io_uring when
# CVENV_IO_URING=1 asks: opt-in, for the experiment of bench/linkpar.sh
# (BENCHMARKS.md, "The link phase": no gain shown, so no library more to
# load on every start).
URING ?= 0
ALL_CFLAGS += -pthread
LDLIBS += -pthread
ifeq ($(URING),1)
  ALL_CFLAGS += -DCVENV_HAVE_LIBURING $(shell pkg-config --cflags liburing)
  LDLIBS += $(shell pkg-config --libs liburing)
  ifeq ($(LINK),static)
    CVENV_LDLIBS += $(shell pkg-config --static --libs liburing)
  endif
endif
CVENV_LDLIBS ?= $(LDLIBS)
# Unit tests that build zips of their own (test_indexzip) call libzip
# functions cvenv never does, which lazylib.c does not forward: the test
# binaries (always dynamic) take those from libzip itself, and so do the
# fuzz targets, which link the modules they test without lazylib.o.
ZIP_LIBS  := $(shell pkg-config --libs libzip)
TEST_LIBS += $(ZIP_LIBS)

SRC      := $(sort $(wildcard src/*.c src/cmd/*.c src/core/*/*.c src/os/*.c src/util/*.c))
ifneq ($(LINK),static)
  # the libcurl engine goes to the helper; cvenv gets its client
  SRC    := $(filter-out src/os/http.c,$(SRC))
else
  SRC    := $(filter-out src/os/httpclient.c,$(SRC))
endif
# The HTTP helper: its main, the libcurl engine and what they call.
HELPER_OBJ := $(addprefix $(BUILD)/,src/helper/cvenv-http.o src/os/http.o src/os/httpfile.o \
              src/os/httpwire.o src/os/fs.o src/util/buf.o src/util/strvec.o)
# Vendored code (third_party/, see its VERSION files): compiled with the same
# options but its own warnings, never -Werror (a new compiler's opinion of
# someone else's code must not break our build).
TP_SRC   := third_party/tomlc17/tomlc17.c
TP_WARN  := -Wall -Wextra -Wno-format-nonliteral -Wno-unused-parameter
LIB_SRC  := $(filter-out src/main.c,$(SRC)) $(TP_SRC)
EMBED    := $(sort $(wildcard templates/*)) $(sort $(wildcard src/core/interp/*.py))
OBJ      := $(SRC:%.c=$(BUILD)/%.o) $(TP_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded_data.o
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded_data.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: FORCE all unit integration check check-faults valgrind fuzz fuzz-targets docs clean install
all: $(BUILD)/cvenv $(HELPER)

# The link settings, kept in a file that changes only when they do, so that
# switching LINK in a build directory relinks (the objects are the same but
# for lazylib.o, whose libcurl part only LINK=static compiles).
LINK_SETTINGS := $(LINK) $(CC) $(LDFLAGS) $(CVENV_LDLIBS)
$(BUILD)/link-settings: FORCE
	@mkdir -p $(BUILD)
	@echo '$(LINK_SETTINGS)' | cmp -s - $@ || echo '$(LINK_SETTINGS)' >$@
FORCE:
# switching URING recompiles the one file it changes
$(BUILD)/src/os/linkbatch.o: $(BUILD)/link-settings

$(BUILD)/cvenv: $(OBJ) $(BUILD)/link-settings
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(CVENV_LDLIBS)

$(BUILD)/cvenv-http: $(HELPER_OBJ) $(BUILD)/link-settings
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(HELPER_OBJ) $(shell pkg-config --libs libcurl)

# The libzip plugin: no sanitizer of its own (the ASan build's cvenv brings
# the runtime), --no-as-needed so that the NEEDED entry stays.
$(BUILD)/cvenv-zip.so: src/helper/cvenv-zip.c $(BUILD)/link-settings
	$(CC) $(filter-out $(SAN),$(ALL_CFLAGS)) -fPIC -shared $(filter-out $(SAN),$(LDFLAGS)) \
		-o $@ $< -Wl,--no-as-needed $(shell pkg-config --libs libzip)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/third_party/%.o: third_party/%.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out $(WARN),$(ALL_CFLAGS)) $(TP_WARN) -c -o $@ $<

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

integration: $(BUILD)/cvenv $(HELPER)
	@CVENV_BIN=$(abspath $(BUILD)/cvenv) sh tests/integration/run.sh $(INTEGRATION_TESTS)

# The whole suite: plainly, under ASan+UBSan (leaks included), some under valgrind.
check:
	@sh tests/check.sh

# Randomized kill -9 runs (tests/integration/lib-killrun.sh): create with pip
# and a 200-wheel install, FAULT_KILLS kills each (make check runs 20).
FAULT_KILLS ?= 100
check-faults: $(BUILD)/cvenv $(HELPER)
	@CVENV_FAULT_KILLS=$(FAULT_KILLS) CVENV_BIN=$(abspath $(BUILD)/cvenv) \
		sh tests/integration/run.sh t4203-attack-kill-create.sh t4204-attack-kill-install.sh

valgrind: $(BUILD)/cvenv $(HELPER)
	@test "$(LINK)" = dynamic || { echo "make valgrind: valgrind cannot follow malloc in a static program (LINK=static)"; exit 2; }
	@CVENV_BIN=$(abspath $(BUILD)/cvenv) CVENV_WRAPPER="valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
		sh tests/integration/run.sh $(VALGRIND_TESTS)

# libFuzzer targets fuzz/fuzz_<name>.c, built with clang into build-fuzz;
# run e.g. build-fuzz/fuzz_pep440 fuzz/corpus/pep440. Each links only the
# module it tests and what that module calls (FUZZ_OBJ_<name>, objects under
# $(BUILD)): a fuzzer finds bugs in the code it reaches, and a new call from
# a fuzzed module into code not listed fails the link, naming the symbol.
# A new target fuzz/fuzz_<name>.c needs its FUZZ_OBJ_<name> here.
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_OBJ_cachemanifest := src/core/pkg/cachemanifest.o src/util/buf.o src/util/strvec.o \
	src/core/pkg/scripts.o \
	src/util/error.o
FUZZ_OBJ_elf := src/core/interp/elf.o src/core/interp/libc.o src/os/readhead.o \
	src/os/spawn.o src/util/buf.o src/util/error.o src/util/strvec.o \
	src/os/link.o \
	src/os/fs.o src/os/interrupt.o
FUZZ_OBJ_httpcache := src/core/index/httpcache.o src/util/buf.o \
	src/core/pkg/record.o src/core/pkg/scripts.o \
	src/os/fs.o src/util/error.o src/util/strvec.o
FUZZ_OBJ_indexpage := src/core/index/page.o src/core/index/url.o src/core/std/pep440.o \
	src/util/buf.o \
	src/core/pkg/distinfo.o src/core/std/metadata.o src/util/strvec.o \
	src/os/fs.o
FUZZ_OBJ_pylock := src/core/lock/pylock.o src/core/lock/tomlr.o src/core/lock/tomlw.o third_party/tomlc17/tomlc17.o \
	src/util/buf.o src/util/error.o \
	src/core/std/metadata.o src/core/std/pep440.o src/os/fs.o src/util/strvec.o
FUZZ_OBJ_resolve := src/core/resolve/pubgrub.o src/core/resolve/explain.o \
	src/core/resolve/vset.o src/core/std/pep440.o src/core/std/metadata.o src/util/buf.o \
	src/core/pkg/cachemanifest.o src/core/std/pep508.o src/util/error.o src/util/strvec.o \
	src/core/pkg/scripts.o
FUZZ_OBJ_zipdir := src/core/index/zipdir.o src/util/buf.o
FUZZ_OBJ_journal := src/core/env/pyvenvcfg.o src/core/pkg/journal.o src/util/buf.o \
	src/util/error.o src/util/relpath.o src/util/strvec.o
FUZZ_OBJ_metadata := src/core/pkg/distinfo.o src/core/std/metadata.o src/core/std/pep440.o \
	src/os/fs.o src/util/buf.o src/util/strvec.o
FUZZ_OBJ_pep440 := src/core/std/pep440.o src/util/buf.o
FUZZ_OBJ_pep508 := src/core/std/metadata.o src/core/std/pep440.o src/core/std/pep508.o \
	src/util/buf.o src/util/strvec.o
FUZZ_OBJ_pyrequest := src/core/interp/pyrequest.o src/core/std/pep440.o src/util/buf.o \
	src/util/error.o
FUZZ_OBJ_pyvenvcfg := src/core/env/pyvenvcfg.o src/util/buf.o
FUZZ_OBJ_record := src/core/pkg/record.o src/core/pkg/scripts.o src/os/fs.o src/util/buf.o \
	src/util/error.o src/util/strvec.o
FUZZ_OBJ_requirements := src/core/pkg/requirements.o src/core/std/metadata.o \
	src/core/std/pep440.o src/core/std/pep508.o src/os/fs.o src/util/arena.o src/util/buf.o \
	src/util/error.o src/util/strvec.o
FUZZ_OBJ_wheel := src/core/env/activate.o src/core/env/env_owned.o src/core/env/pyvenvcfg.o \
	src/core/pkg/cachemanifest.o src/core/pkg/distinfo.o src/core/pkg/journal.o \
	src/core/pkg/record.o src/core/pkg/remove.o src/core/pkg/scripts.o src/core/pkg/stage.o \
	src/core/pkg/txn.o src/core/pkg/wheel.o src/core/pkg/wheelcache.o src/core/std/metadata.o \
	src/core/env/venv.o \
	src/core/std/pep440.o gen/embedded_data.o src/os/beneath.o src/os/fs.o src/os/interrupt.o \
	src/os/link.o src/os/linkbatch.o src/os/readhead.o src/os/sealfs.o src/os/sidework.o \
	src/os/spawn.o src/util/arena.o src/util/buf.o src/util/embedded.o \
	src/util/error.o src/util/relpath.o src/util/strvec.o \
	src/core/std/pyversion.o
FUZZ_OBJ_wheelname := src/core/pkg/record.o src/core/pkg/scripts.o src/core/pkg/wheel.o src/os/readhead.o \
	src/core/std/metadata.o src/core/std/tags.o src/os/fs.o src/util/buf.o src/util/error.o \
	src/util/strvec.o \
	src/core/pkg/cachemanifest.o
# UB is a finding: without -fno-sanitize-recover, UBSan prints and the run goes on
ifeq ($(FUZZ),1)
  ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
endif
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O1 FUZZ=1 fuzz-targets
fuzz-targets: $(FUZZ_SRC:fuzz/%.c=$(BUILD)/%)
fuzz_objs = $(addprefix $(BUILD)/,$(or $(FUZZ_OBJ_$(1)),$(error fuzz/fuzz_$(1).c: no FUZZ_OBJ_$(1) in the Makefile)))
.SECONDEXPANSION:
$(BUILD)/fuzz_%: fuzz/fuzz_%.c $$(call fuzz_objs,$$*)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(call fuzz_objs,$*) $(LDLIBS) $(ZIP_LIBS)

docs: $(BUILD)/cvenv
	$(BUILD)/cvenv help --man > docs/cvenv.1
	@mkdir -p docs/completions
	$(BUILD)/cvenv completion bash > docs/completions/cvenv.bash
	$(BUILD)/cvenv completion zsh > docs/completions/_cvenv
	$(BUILD)/cvenv completion fish > docs/completions/cvenv.fish

clean:
	rm -rf build build-asan build-fuzz build-static build-clang

PREFIX ?= /usr/local
# cvenv finds its HTTP helper and libzip plugin at <its own directory>/../libexec/cvenv/ (then
# beside itself, as in the build directory): keep LIBEXECDIR there.
LIBEXECDIR ?= $(PREFIX)/libexec
install: $(BUILD)/cvenv $(HELPER)
	install -Dm755 $(BUILD)/cvenv $(DESTDIR)$(PREFIX)/bin/cvenv
	$(if $(HELPER),install -Dm755 $(BUILD)/cvenv-http $(DESTDIR)$(LIBEXECDIR)/cvenv/cvenv-http)
	$(if $(HELPER),install -Dm644 $(BUILD)/cvenv-zip.so $(DESTDIR)$(LIBEXECDIR)/cvenv/cvenv-zip.so)
	install -Dm644 docs/cvenv.1 $(DESTDIR)$(PREFIX)/share/man/man1/cvenv.1
	install -Dm644 docs/completions/cvenv.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cvenv
	install -Dm644 docs/completions/_cvenv $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_cvenv
	install -Dm644 docs/completions/cvenv.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/cvenv.fish

-include $(OBJ:.o=.d) $(LIB_OBJ:.o=.d) $(HELPER_OBJ:.o=.d)
