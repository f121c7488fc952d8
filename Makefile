# ipsecfilt: AIX-style IPsec and packet filter.
#
#   make              build everything into bin/ (objects in obj/)
#   make deps         install the Debian packages the build, tests and demo need
#   make check        run the test suite with kyua (SANITIZE=1: ASan + UBSan)
#   make bench        print benchmark ratios measured in one run
#   make demo         the main job: see README
#   make install      PREFIX=/usr/local DESTDIR= (commands, man pages,
#                     systemd units)
#
# Every .c in filt/, tun/ and logd/ is one command; sys/*.c is the engine
# (libipf.a), lib/*.c the commands' shared code (libipsecfilt.a),
# sys/linux/*.c the live host ipsecd.

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
PKGS	 = libcrypto libpcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcrypto -lpcap)
NFQ_LIBS   := $(shell pkg-config --libs libnetfilter_queue 2>/dev/null)
ATF_CFLAGS := $(shell pkg-config --cflags atf-c 2>/dev/null)
ATF_LIBS   := $(shell pkg-config --libs atf-c 2>/dev/null || echo -latf-c)

WARN	 = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wshadow -Wpointer-arith -Wcast-qual -Wvla
CFLAGS	?= -O2 -g
XCFLAGS	 = -std=c11 $(WARN) -D_GNU_SOURCE -Isys -Ilib $(PKG_CFLAGS)
XLDFLAGS = -Wl,--as-needed
ifeq ($(SANITIZE),1)
XCFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
XLDFLAGS += -fsanitize=address,undefined
endif

# Rebuild everything when the compiler flags change (SANITIZE=1 and back).
FLAGS_NOW := $(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS)
FLAGS_OLD := $(shell cat obj/.flags 2>/dev/null)
ifneq ($(FLAGS_NOW),$(FLAGS_OLD))
$(shell mkdir -p obj && rm -rf obj/* bin tests/sys/*_test && echo '$(FLAGS_NOW)' > obj/.flags)
endif

SYS_SRCS  := $(wildcard sys/*.c)
LIB_SRCS  := $(wildcard lib/*.c)
CMD_SRCS  := $(wildcard filt/*.c tun/*.c logd/*.c)
HOST_SRCS := $(wildcard sys/linux/*.c)
TEST_SRCS := $(wildcard tests/sys/*_test.c)
BENCH_SRCS := $(wildcard tests/bench/*.c)

SYS_OBJS  := $(SYS_SRCS:%.c=obj/%.o)
LIB_OBJS  := $(LIB_SRCS:%.c=obj/%.o)
CMDS	  := $(addprefix bin/,$(notdir $(CMD_SRCS:.c=)))
HOST	  := $(if $(HOST_SRCS),bin/ipsecd)
TESTS	  := $(TEST_SRCS:.c=)
BENCHES	  := $(addprefix obj/bench/,$(notdir $(BENCH_SRCS:.c=)))
LIBS	  := obj/libipsecfilt.a obj/libipf.a
MANS	  := $(wildcard man/*.[1-9])
UNITS	  := $(wildcard sys/linux/*.service logd/*.service)

all: $(CMDS) $(HOST) $(TESTS) $(BENCHES)

obj/%.o: %.c $(wildcard sys/*.h sys/linux/*.h lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(XCFLAGS) -c -o $@ $<

obj/libipf.a: $(SYS_OBJS)
	rm -f $@ && ar rcs $@ $^

obj/libipsecfilt.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

bin/%: obj/filt/%.o $(LIBS)
	@mkdir -p bin
	$(CC) $(XLDFLAGS) -o $@ $< $(LIBS) $(PKG_LIBS)

bin/%: obj/tun/%.o $(LIBS)
	@mkdir -p bin
	$(CC) $(XLDFLAGS) -o $@ $< $(LIBS) $(PKG_LIBS)

bin/%: obj/logd/%.o $(LIBS)
	@mkdir -p bin
	$(CC) $(XLDFLAGS) -o $@ $< $(LIBS) $(PKG_LIBS)

bin/ipsecd: $(HOST_SRCS:%.c=obj/%.o) $(LIBS)
	@mkdir -p bin
	$(CC) $(XLDFLAGS) -o $@ $(filter %.o,$^) $(LIBS) $(PKG_LIBS) $(NFQ_LIBS)

tests/sys/%_test: tests/sys/%_test.c $(LIBS) $(wildcard sys/*.h lib/*.h)
	$(CC) $(CFLAGS) $(XCFLAGS) $(ATF_CFLAGS) $(XLDFLAGS) -o $@ $< \
	    $(LIBS) $(ATF_LIBS) $(PKG_LIBS)

# The NFQUEUE baseline of net_bench.sh talks to the queue as ipsecd does.
obj/bench/nfq_accept: BENCH_LIBS = $(NFQ_LIBS)

obj/bench/%: tests/bench/%.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(XCFLAGS) $(XLDFLAGS) -o $@ $< $(LIBS) $(PKG_LIBS) \
	    $(BENCH_LIBS)

# Fuzzing (FUZZING.md): each tests/fuzz/*_fuzz.c is a libFuzzer target,
# linked with the other tests/fuzz/*.c and with the engine and lib
# compiled again by clang with the fuzzer's instrumentation into
# obj-fuzz/, apart from obj/.  make fuzz runs each target from its seeds
# for FUZZ_RUNS executions or FUZZ_TIME seconds, whichever comes first.
FUZZ_CC	 ?= clang
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) $(XCFLAGS)
FUZZ_SRCS := $(wildcard tests/fuzz/*_fuzz.c)
FUZZ_AUX  := $(filter-out $(FUZZ_SRCS),$(wildcard tests/fuzz/*.c))
FUZZERS	  := $(FUZZ_SRCS:tests/fuzz/%.c=obj-fuzz/bin/%)
FUZZ_LIBS := obj-fuzz/libipsecfilt.a obj-fuzz/libipf.a

obj-fuzz/%.o: %.c $(wildcard sys/*.h lib/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer-no-link $(FUZZ_FLAGS) -c -o $@ $<

obj-fuzz/libipf.a: $(SYS_SRCS:%.c=obj-fuzz/%.o)
	rm -f $@ && ar rcs $@ $^

obj-fuzz/libipsecfilt.a: $(LIB_SRCS:%.c=obj-fuzz/%.o)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_SRCS:%.c=obj-fuzz/%.o) $(FUZZ_AUX:%.c=obj-fuzz/%.o): $(wildcard tests/fuzz/*.h)

obj-fuzz/bin/%: obj-fuzz/tests/fuzz/%.o $(FUZZ_AUX:%.c=obj-fuzz/%.o) \
    $(FUZZ_LIBS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $(filter %.o,$^) \
	    $(FUZZ_LIBS) $(PKG_LIBS)

fuzz-build: $(FUZZERS)

FUZZ_RUNS ?= 1000000
FUZZ_TIME ?= 150
fuzz: $(FUZZERS)
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/run.sh

deps:
	sh tests/deps.sh

# kyua's exit status is the suite's; on failure show what failed, whole.
check: all
	cd tests && { kyua --logfile=/dev/null test || \
	    { kyua --logfile=/dev/null report --verbose \
		--results-filter=broken,failed; exit 1; }; }

bench: all
	sh tests/bench/run.sh

demo: all
	sh tests/demo.sh

lint-man:
	mandoc -Tlint -W warning $(MANS)

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 0755 $(CMDS) $(HOST) $(DESTDIR)$(PREFIX)/sbin
	for m in $(MANS); do \
		s=$${m##*.}; \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s; \
	done
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	for u in $(UNITS); do \
		sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' $$u > \
		    $(DESTDIR)$(PREFIX)/lib/systemd/system/$${u##*/}; \
	done

clean:
	rm -rf obj obj-fuzz bin $(TESTS) tests/.kyua

.PHONY: all deps check bench demo lint-man install clean fuzz fuzz-build
.SECONDARY:
