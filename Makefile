# kfroute — see README.md.
#
#   make            build cgi-bin/kfroute.fcgi, kfwecom.fcgi, kfadmin.fcgi,
#                   bin/kfctl
#   make run        private MariaDB + lighttpd on 127.0.0.1:$(PORT), foreground
#   make start/stop the same stack in the background
#   make test       C unit tests, then HTTP tests against a throw-away stack
#                   (make http TESTS=tests/http/x.test.mjs: just those files)
#   make asan       the same tests with AddressSanitizer + UBSan builds
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS (60) each;
#                   make fuzz-smoke: a few seconds each (part of make test)
#   make bench      wrk: the public API (anonymous, verified, 100,000 entries,
#                   presence churn) against a do-nothing FastCGI responder
#   make install    programs, page, SQL and examples under PREFIX (Debian
#                   habits: PREFIX=/usr, config in SYSCONFDIR/kfroute)
#   make upload-tree DEST=dir [CONF=path]
#                   the directory to upload for shared hosting (plain CGI)

PORT     ?= 8080
PREFIX   ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR  ?=
BUILD    ?= build/release
OPT      ?= -O2
SANITIZE ?=

PKGS     := json-c fcgi libcrypto libcurl libsodium libqrencode
CFLAGS_DEPS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
	       $(shell mariadb_config --cflags 2>/dev/null)
# libcurl is not linked: curlso.c opens it when first needed.
LIBS_DEPS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) \
		 2>/dev/null) \
	       $(shell mariadb_config --libs 2>/dev/null) -pthread

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla
CFLAGS   += -std=c11 -D_DEFAULT_SOURCE -g $(OPT) $(WARN) $(SANITIZE) \
	    -Icgi-bin/src $(CFLAGS_DEPS)
# Where the programs look for their config when KFROUTE_CONF is unset.
DEFAULT_CONF := $(SYSCONFDIR)/kfroute/kfroute.conf
LDFLAGS  += $(SANITIZE)

# Library modules shared by every program and the unit tests.
LIB_SRC  := admin admin_auth admin_crud admin_csv admin_view api apierr arena assign \
	    auth bgwork buf cache callback cfg csv curlso custcache decide form https jsonin jsonw log notice preview \
	    program pull pwhash req resp retention route sched snap stats store store_admin store_wecom \
	    ticket token transport tz url utf8 util valid wecom work wxcrypt wxlogin \
	    textenc \
	    wsync \
	    admin_ops \
	    admin_qr wxacode \
	    life lifework lifeset
LIB_OBJ  := $(LIB_SRC:%=$(BUILD)/obj/%.o)
UNIT     := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT:%=$(BUILD)/tests/%)
# libFuzzer harnesses (tests/fuzz/fuzz_<name>.c), built with clang in
# build/fuzz by make fuzz / fuzz-smoke, run by scripts/fuzz.sh.
FUZZ     := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ:%=$(BUILD)/bin/%)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 1
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BUILD = $(MAKE) BUILD=build/fuzz CC=clang OPT=-O1 \
	    SANITIZE="$(FUZZ_SANITIZE)" fuzz-bin

# The release build lands in cgi-bin/; sanitizer builds stay in $(BUILD).
ifeq ($(BUILD),build/release)
FCGI     := cgi-bin/kfroute.fcgi
WECOM    := cgi-bin/kfwecom.fcgi
ADMIN    := cgi-bin/kfadmin.fcgi
KFCTL    := bin/kfctl
else
FCGI     := $(BUILD)/kfroute.fcgi
WECOM    := $(BUILD)/kfwecom.fcgi
ADMIN    := $(BUILD)/kfadmin.fcgi
KFCTL    := $(BUILD)/kfctl
endif

.PHONY: all deps run start stop test unit http asan fuzz fuzz-smoke fuzz-bin \
	bench vectors clean install faults upload-tree

all: $(FCGI) $(WECOM) $(ADMIN) $(KFCTL)

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: cgi-bin/src/%.c $(wildcard cgi-bin/src/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

# cfg.o knows the default config path: rebuilt when SYSCONFDIR changes.
$(BUILD)/obj/cfg.o: $(BUILD)/default-conf
$(BUILD)/obj/cfg.o: CFLAGS += -DKFROUTE_DEFAULT_CONF='"$(DEFAULT_CONF)"'
$(BUILD)/default-conf: FORCE | $(BUILD)/obj
	@echo '$(DEFAULT_CONF)' | cmp -s - $@ || echo '$(DEFAULT_CONF)' >$@
FORCE:

$(BUILD)/obj $(BUILD)/tests $(BUILD)/bin:
	mkdir -p $@

$(BUILD)/libkf.a: $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(FCGI): $(BUILD)/obj/kfroute.o $(BUILD)/libkf.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DEPS)

$(WECOM): $(BUILD)/obj/kfwecom.o $(BUILD)/libkf.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DEPS)

$(ADMIN): $(BUILD)/obj/kfadmin.o $(BUILD)/libkf.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DEPS)

$(KFCTL): $(BUILD)/obj/kfctl.o $(BUILD)/libkf.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DEPS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libkf.a | $(BUILD)/tests
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libkf.a \
	    $(LDFLAGS) $(LIBS_DEPS) -lcmocka

$(BUILD)/obj/fuzzcheck.o: tests/fuzz/check.c tests/fuzz/check.h | $(BUILD)/obj
	$(CC) $(CFLAGS) -Itests/fuzz -c -o $@ $<

$(BUILD)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/check.h \
    $(BUILD)/obj/fuzzcheck.o $(BUILD)/libkf.a | $(BUILD)/bin
	$(CC) $(CFLAGS) -Itests/fuzz -o $@ $< $(BUILD)/obj/fuzzcheck.o \
	    $(BUILD)/libkf.a $(LDFLAGS) $(LIBS_DEPS)

run: deps all
	PORT=$(PORT) scripts/stack.sh run

start: deps all
	PORT=$(PORT) scripts/stack.sh start

stop:
	scripts/stack.sh stop

test: deps
	$(MAKE) unit fuzz-smoke http

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

http: $(FCGI) $(WECOM) $(ADMIN) $(KFCTL)
	KFROUTE_FCGI_BIN=$(CURDIR)/$(FCGI) KFROUTE_WECOM_BIN=$(CURDIR)/$(WECOM) \
	    KFROUTE_ADMIN_BIN=$(CURDIR)/$(ADMIN) \
	    KFROUTE_KFCTL=$(CURDIR)/$(KFCTL) scripts/test-http.sh

# The fault suite at length: the database frozen 15 s under load, workers
# killed mid-commit (make test runs it with a 5 s freeze).
faults: $(FCGI) $(WECOM) $(ADMIN) $(KFCTL)
	KF_FAULT_FREEZE_MS=15000 $(MAKE) http TESTS=tests/http/faults.test.mjs

# Every test again with AddressSanitizer and UBSan, in build/asan.
asan: deps
	$(MAKE) BUILD=build/asan OPT=-O1 \
	    SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    unit http

# libFuzzer + ASan + UBSan (clang), in build/fuzz: each harness for
# FUZZ_SECONDS on a scratch copy of its committed corpus, stopping at the
# first crash. fuzz-smoke replays every committed corpus and regression
# file, then fuzzes each harness for FUZZ_SMOKE_SECONDS.
fuzz: deps
	$(FUZZ_BUILD)
	scripts/fuzz.sh build/fuzz $(FUZZ_SECONDS)

fuzz-smoke: deps
	$(FUZZ_BUILD)
	scripts/fuzz.sh --smoke build/fuzz $(FUZZ_SMOKE_SECONDS)

fuzz-bin: $(FUZZ_BIN)

bench: all
	@scripts/deps.sh bench
	scripts/bench.sh

# Regenerate the independent WeCom crypto vectors (needs Debian's
# python3-cryptography; the output is committed).
vectors:
	@scripts/deps.sh vectors
	/usr/bin/python3 tests/vectors/gen_wxcrypt.py tests/unit/wxcrypt_vectors.h

# Programs in PREFIX/lib/kfroute/cgi-bin (mapped by the web server),
# kfctl in PREFIX/bin, the page, SQL, scripts and example configs in
# PREFIX/share/kfroute, an example config in SYSCONFDIR/kfroute. htdocs is
# copied with links resolved: hosts that upload it follow none.
install: all
	install -d $(DESTDIR)$(PREFIX)/lib/kfroute/cgi-bin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/kfroute $(DESTDIR)$(SYSCONFDIR)/kfroute
	install -m 755 $(FCGI) $(WECOM) $(ADMIN) $(DESTDIR)$(PREFIX)/lib/kfroute/cgi-bin/
	install -m 755 $(KFCTL) $(DESTDIR)$(PREFIX)/bin/kfctl
	rm -rf $(DESTDIR)$(PREFIX)/share/kfroute/htdocs
	cp -RL htdocs $(DESTDIR)$(PREFIX)/share/kfroute/htdocs
	cp -R sql conf $(DESTDIR)$(PREFIX)/share/kfroute/
	# The shipped units, Apache and cron files name /usr/local: this
	# install's PREFIX instead (and SYSCONFDIR for /etc/kfroute).
	for f in $(DESTDIR)$(PREFIX)/share/kfroute/conf/systemd/* \
	    $(DESTDIR)$(PREFIX)/share/kfroute/conf/apache/* \
	    $(DESTDIR)$(PREFIX)/share/kfroute/conf/cron.d/*; do \
		sed -i -e 's|/usr/local/|$(PREFIX)/|g' \
		    -e 's|/etc/kfroute/|$(SYSCONFDIR)/kfroute/|g' "$$f"; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/kfroute/scripts
	install -m 755 scripts/migrate.sh scripts/db-grants.sh \
	    $(DESTDIR)$(PREFIX)/share/kfroute/scripts/
	install -m 640 conf/kfroute.conf.example \
	    $(DESTDIR)$(SYSCONFDIR)/kfroute/kfroute.conf.example

# Shared hosting: the page, its .htaccess files and the programs in one
# directory to upload (README "Shared hosting"); CONF is the config's
# path on the host, outside the web root.
upload-tree: $(FCGI) $(WECOM) $(ADMIN)
	@test -n "$(DEST)" || { echo "make upload-tree DEST=dir [CONF=/home/you/kfroute/kfroute.conf]" >&2; exit 2; }
	KFROUTE_FCGI_BIN=$(FCGI) KFROUTE_WECOM_BIN=$(WECOM) KFROUTE_ADMIN_BIN=$(ADMIN) \
	    scripts/upload-tree.sh "$(DEST)" $(CONF)

clean:
	rm -rf build cgi-bin/*.fcgi bin/kfctl
