# tinyrun: kernel-style build. `make help` lists the targets.
#
#   make [ARCH=x86_64|aarch64|armv7]      build build/<arch>/tinyrun from ./.config
#   make BOARD=<board> [ARCH=...]         build with board-configs/<board>_defconfig
#                                         into build/<arch>/boards/<board>/
#   make <board>_defconfig, defconfig, olddefconfig, oldconfig, savedefconfig,
#        allnoconfig, allyesconfig, randconfig, listnewconfig, config, menuconfig
#   make check                            every test suite (see `make help`)
#
# Toolchain: by default `make deps` (scripts/deps.sh) builds a musl sysroot with
# cJSON and libcap-ng from Debian's sources. A build system that brings its own
# toolchain (Buildroot, Yocto) passes CC or CROSS_COMPILE, and SYSROOT or
# PKG_CONFIG; deps.sh is then not used (docs/building.md).

HOST_ARCH := $(shell uname -m | sed -e 's/^arm.*/armv7/' -e 's/^arm64$$/aarch64/')
BOARD_ARCH := $(patsubst qemu_%,%,$(filter qemu_%,$(BOARD)))
ARCH ?= $(if $(BOARD_ARCH),$(BOARD_ARCH),$(HOST_ARCH))
ARCHES := x86_64 aarch64 armv7
BOARDS := $(patsubst board-configs/%_defconfig,%,$(wildcard board-configs/*_defconfig))
VM_BOARDS := qemu_x86_64 qemu_aarch64 qemu_armv7

# Our own toolchains exist for these; an external one (CROSS_COMPILE, CC,
# SYSROOT or PKG_CONFIG) may build for any ARCH name.
ifeq ($(CROSS_COMPILE)$(SYSROOT)$(PKG_CONFIG)$(filter-out default,$(origin CC)),)
ifeq ($(filter $(ARCH),$(ARCHES)),)
$(error ARCH=$(ARCH) is not one of: $(ARCHES))
endif
endif
ifneq ($(BOARD),)
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD): no board-configs/$(BOARD)_defconfig (boards: $(BOARDS)))
endif
endif

HOSTCC ?= cc
Q := $(if $(V),,@)
export KCONFIG_SEED

# Where this build's configuration and output live.
ifneq ($(BOARD),)
O := build/$(ARCH)/boards/$(BOARD)
KCONFIG_CONFIG := $(O)/.config
else
O := build/$(ARCH)
KCONFIG_CONFIG ?= .config
endif
export KCONFIG_CONFIG
AUTOHEADER := $(O)/include/generated/autoconf.h

# ---------------------------------------------------------------- kconfig
KCONF := build/host/kconfig/conf
KCONF_SRC := $(wildcard scripts/kconfig/*.c)
KCONFIG_FILES := Kconfig $(shell find core platform -name Kconfig 2>/dev/null)

$(KCONF): $(KCONF_SRC) $(wildcard scripts/kconfig/*.h)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=c99 -O2 -Wall -Wextra -o $@ $(KCONF_SRC)

# The host board: make defconfig picks the qemu board of the target ARCH
# (full for an ARCH without one, built with an external toolchain).
HOST_DEFCONFIG := $(firstword $(wildcard board-configs/qemu_$(ARCH)_defconfig) board-configs/full_defconfig)
defconfig: $(KCONF)
	@mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)$(KCONF) --defconfig $(HOST_DEFCONFIG) Kconfig
$(addsuffix _defconfig,$(BOARDS)): %_defconfig: $(KCONF)
	@mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)$(KCONF) --defconfig board-configs/$@ Kconfig
olddefconfig oldconfig allnoconfig allyesconfig randconfig listnewconfig: $(KCONF)
	@mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)$(KCONF) --$@ Kconfig
config: $(KCONF)
	$(Q)$(KCONF) --oldaskconfig Kconfig
DEFCONFIG_OUT ?= defconfig
savedefconfig: $(KCONF)
	@mkdir -p $(dir $(KCONFIG_CONFIG))
	$(Q)$(KCONF) --savedefconfig $(DEFCONFIG_OUT) Kconfig
menuconfig: $(KCONF)
	$(Q)command -v kconfig-mconf >/dev/null 2>&1 || { \
	  echo "menuconfig needs kconfig-mconf: apt-get install kconfig-frontends-nox" >&2; \
	  echo "(or use 'make config' / 'make oldconfig', which need nothing)" >&2; exit 1; }
	$(Q)mkdir -p include/config && kconfig-mconf Kconfig && rm -rf include/config && \
	  $(KCONF) --olddefconfig Kconfig
.PHONY: $(addsuffix _defconfig,$(BOARDS)) defconfig olddefconfig oldconfig allnoconfig allyesconfig randconfig listnewconfig \
	config savedefconfig menuconfig

# A board build creates its .config from the board's defconfig; a plain build
# without .config starts from the host board, as `make defconfig` would.
# An included makefile: when Kconfig files change, make brings .config up to
# date and restarts, so the obj-$(CONFIG_X) lists below see the new symbols.
ifneq ($(BOARD),)
$(KCONFIG_CONFIG): board-configs/$(BOARD)_defconfig $(KCONFIG_FILES) $(KCONF)
	@mkdir -p $(@D)
	$(Q)$(KCONF) --defconfig $< Kconfig
else
$(KCONFIG_CONFIG): $(KCONFIG_FILES) | $(KCONF)
	$(Q)if [ -f $@ ]; then $(KCONF) -s --olddefconfig Kconfig; else \
	  echo "*** no $@: using $(HOST_DEFCONFIG) (make defconfig)"; \
	  mkdir -p $(@D); $(KCONF) --defconfig $(HOST_DEFCONFIG) Kconfig; fi
endif

# syncconfig rewrites the header only when its content changes, so objects are
# rebuilt only when the configuration really changed. The header is this
# recipe's own target, so make looks at its time again after the recipe ran
# (a stamp in between hid a fresh header from the first make after an edit);
# when nothing changed, the recipe runs again next time, in a millisecond.
$(AUTOHEADER): $(KCONFIG_CONFIG) $(KCONFIG_FILES) $(KCONF)
	@mkdir -p $(@D)
	$(Q)KCONFIG_AUTOHEADER=$(AUTOHEADER) $(KCONF) --syncconfig Kconfig

# ---------------------------------------------------------------- toolchain
# Goals that need no target toolchain (and must not fetch one).
CONFIG_GOALS := defconfig %_defconfig olddefconfig oldconfig allnoconfig allyesconfig \
	randconfig listnewconfig config savedefconfig menuconfig clean distclean help \
	check-kconfig host-packages
NEED_TC := $(if $(MAKECMDGOALS),$(filter-out $(CONFIG_GOALS),$(MAKECMDGOALS)),all)

ifneq ($(CROSS_COMPILE)$(SYSROOT)$(PKG_CONFIG)$(filter-out default,$(origin CC)),)
# External toolchain (Buildroot, Yocto, or a hand-made one).
EXTERNAL_TC := 1
TC_CC := $(if $(filter-out default,$(origin CC)),$(CC),$(CROSS_COMPILE)gcc)
TC_STRIP := $(if $(STRIP),$(STRIP),$(CROSS_COMPILE)strip)
TC_NM := $(CROSS_COMPILE)nm
TC_AR := $(if $(AR),$(AR),$(CROSS_COMPILE)ar)
TC_SYSROOT := $(SYSROOT)
ifneq ($(PKG_CONFIG),)
TC_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcjson libcap-ng)
TC_LIBS := $(shell $(PKG_CONFIG) --static --libs libcjson libcap-ng)
else
TC_CFLAGS := $(if $(SYSROOT),--sysroot=$(SYSROOT))
TC_LIBS := -lcjson -lcap-ng
endif
TC_LDFLAGS := -static $(LDFLAGS)
TC_QEMU :=
else
TOOLCHAIN_MK := build/$(ARCH)/toolchain.mk
ifneq ($(NEED_TC),)
include $(TOOLCHAIN_MK)
endif
$(TOOLCHAIN_MK): scripts/deps.sh
	$(Q)sh scripts/deps.sh $(ARCH)
TC_NM = $(patsubst %strip,%nm,$(TC_STRIP))
TC_AR = $(patsubst %strip,%ar,$(TC_STRIP))
endif

deps:
	$(Q)for a in $(if $(filter command line,$(origin ARCH)),$(ARCH),$(ARCHES)); do \
	  sh scripts/deps.sh $$a || exit 1; done
host-packages:
	$(Q)sh scripts/host-packages.sh
.PHONY: deps host-packages

# ---------------------------------------------------------------- the program
ifneq ($(NEED_TC),)
-include $(KCONFIG_CONFIG)
endif

VERSION := 0.1.0
GIT_COMMIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

OPT := $(if $(CONFIG_OPTIMIZE_SPEED),-O2,-Os)
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_ALL := -std=gnu11 $(OPT) $(WARN) -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -D_GNU_SOURCE \
	$(if $(CONFIG_LTO),-flto -ffat-lto-objects) $(if $(CONFIG_DEBUG_SYMBOLS),-g) \
	-I core -I platform -I $(O)/include/generated $(TC_CFLAGS) $(CFLAGS) \
	-DTINYRUN_VERSION='"$(VERSION)"' -DTINYRUN_COMMIT='"$(GIT_COMMIT)"'
LDFLAGS_ALL := $(TC_LDFLAGS) -Wl,--gc-sections -Wl,-z,noexecstack -Wl,--build-id=none \
	$(if $(CONFIG_LTO),-flto $(OPT))

# Library (core + platform) and CLI (main + cmd_*), as crun splits them: the
# unit tests link the library. Modules are listed per Kconfig symbol.
lib-y := core/error.c core/log.c core/cli.c core/util.c core/state.c core/sync.c
lib-y += core/container.c core/init.c core/relay.c $(wildcard core/spec*.c)
lib-$(CONFIG_EXEC) += core/exec.c
lib-y += platform/ns.c $(wildcard platform/rootfs.c platform/pathres.c platform/devices.c)
lib-y += $(wildcard platform/process.c platform/sysctl.c)
lib-$(CONFIG_HOOKS) += platform/hooks.c
lib-$(CONFIG_CAPS) += platform/caps.c
lib-$(if $(CONFIG_CGROUP_V1)$(CONFIG_CGROUP_V2),y) += platform/cgroup.c platform/cgroup_ops.c
lib-$(if $(CONFIG_CGROUP_V1)$(CONFIG_CGROUP_V2),y) += core/container_cg.c
lib-$(CONFIG_CGROUP_V1) += platform/cgroup_v1.c
lib-$(CONFIG_CGROUP_V2) += platform/cgroup_v2.c platform/bpf_devices.c
lib-$(CONFIG_TERMINAL) += platform/terminal.c
cmd-y := core/main.c core/cmd_create.c core/cmd_start.c core/cmd_run.c core/cmd_kill.c
cmd-y += core/cmd_delete.c core/cmd_state.c core/cmd_list.c
cmd-$(CONFIG_CMD_SPEC) += core/cmd_spec.c
cmd-$(CONFIG_CMD_FEATURES) += core/cmd_features.c
cmd-$(CONFIG_EXEC) += core/cmd_exec.c
cmd-$(if $(CONFIG_CGROUP_V1)$(CONFIG_CGROUP_V2),y) += core/cmd_update.c core/cmd_pause.c \
	core/cmd_ps.c core/cmd_events.c

LIB_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(lib-y))
CMD_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(cmd-y))
LIB := $(O)/libtinyrun.a

all: $(O)/tinyrun
.PHONY: all
.DEFAULT_GOAL := all

$(O)/obj/%.o: %.c $(AUTOHEADER) $(TOOLCHAIN_MK)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(TC_CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && $(TC_AR) rcs $@ $^

$(O)/tinyrun.unstripped: $(CMD_OBJS) $(LIB)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(TC_CC) $(CFLAGS_ALL) -o $@ $(CMD_OBJS) $(LIB) $(LDFLAGS_ALL) $(TC_LIBS)

$(O)/tinyrun: $(O)/tinyrun.unstripped
	$(Q)cp $< $@
ifeq ($(CONFIG_DEBUG_SYMBOLS),)
	$(Q)$(TC_STRIP) --strip-all -R .comment $@
endif
	@echo "  $@: $$(wc -c < $@) bytes"

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- tests
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_SUITES := $(patsubst tests/unit/test_%.c,%,$(UNIT_SRCS))
UNIT_BIN := $(O)/unit-tests

$(O)/unit/suites.h: $(UNIT_SRCS)
	@mkdir -p $(@D)
	$(Q)printf 'SUITE(%s)\n' $(UNIT_SUITES) > $@.tmp && \
	  { cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@; }

$(UNIT_BIN): tests/unit/runner.c $(UNIT_SRCS) tests/unit/unit.h $(O)/unit/suites.h $(LIB)
	$(Q)$(TC_CC) $(filter-out -flto,$(CFLAGS_ALL)) -Wno-shadow -I tests/unit -I $(O)/unit -o $@ \
	  tests/unit/runner.c $(UNIT_SRCS) $(LIB) $(filter-out -flto,$(LDFLAGS_ALL)) $(TC_LIBS)

# Unit tests of this ARCH: natively, or under qemu-user for a cross ARCH.
unit: $(UNIT_BIN)
	$(Q)TR_FIXTURES=tests/unit/fixtures $(TC_QEMU) $(UNIT_BIN)
check-kconfig: $(KCONF)
	$(Q)sh tests/unit/kconfig/run.sh $(KCONF)
check-unit:
	$(Q)$(MAKE) --no-print-directory unit ARCH=$(HOST_ARCH) BOARD=full
check-cross:
	$(Q)for a in $(filter-out $(HOST_ARCH),$(ARCHES)); do \
	  echo "== unit tests for $$a under qemu-user"; \
	  $(MAKE) --no-print-directory unit ARCH=$$a BOARD=full || exit 1; done
check-configs:
	$(Q)sh scripts/check-configs.sh
check-integration: $(O)/tinyrun
	$(Q)TINYRUN=$(abspath $(O)/tinyrun) sh tests/integration/run.sh
check-vm:
	$(Q)for b in $(if $(filter qemu_%,$(BOARD)),$(BOARD),$(VM_BOARDS)); do \
	  a=$${b#qemu_}; echo "== VM $$b"; \
	  $(MAKE) --no-print-directory BOARD=$$b ARCH=$$a all unit-bin || exit 1; \
	  TINYRUN=$(CURDIR)/build/$$a/boards/$$b/tinyrun UNIT=$(CURDIR)/build/$$a/boards/$$b/unit-tests \
	    sh tests/vm/run.sh $$b || exit 1; done
test-vm: check-vm
unit-bin: $(UNIT_BIN)
check:
	$(Q)sh scripts/check.sh
.PHONY: unit unit-bin check check-kconfig check-unit check-cross check-configs \
	check-integration check-vm test-vm

# ---------------------------------------------------------------- footprint
size:
	$(Q)sh scripts/size.sh $(BOARDS)
# BusyBox-style: `make baseline` keeps the current binary's symbols,
# `make bloatcheck` compares the current build with it, symbol by symbol.
baseline: $(O)/tinyrun.unstripped
	$(Q)cp $< $(O)/tinyrun.baseline && echo "baseline: $(O)/tinyrun.baseline"
bloatcheck: $(O)/tinyrun.unstripped
	$(Q)test -f $(O)/tinyrun.baseline || { echo "no baseline: run 'make baseline' first" >&2; exit 1; }
	$(Q)sh scripts/bloatcheck.sh "$(TC_NM)" $(O)/tinyrun.baseline $<
.PHONY: size baseline bloatcheck

# ---------------------------------------------------------------- misc
PREFIX ?= /usr
install: $(O)/tinyrun
	install -D -m 0755 $(O)/tinyrun $(DESTDIR)$(PREFIX)/bin/tinyrun
	install -D -m 0644 docs/tinyrun.8 $(DESTDIR)$(PREFIX)/share/man/man8/tinyrun.8
.PHONY: install
demo:
	$(Q)sh scripts/demo.sh
# tinyrun against crun and runc, side by side (not part of check: it measures)
bench: $(O)/tinyrun
	$(Q)TINYRUN=$(abspath $(O)/tinyrun) sh tests/bench/run.sh
clean:
	rm -rf build/x86_64/obj build/aarch64/obj build/armv7/obj build/*/boards build/check \
	  build/*/tinyrun* build/*/libtinyrun.a build/*/unit* build/*/include build/host
distclean:
	rm -rf build .config .config.old defconfig
help:
	@sed -n '2,12p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Other targets: deps host-packages unit check-unit check-cross check-configs"
	@echo "  check-integration check-vm (BOARD=qemu_x86_64|qemu_aarch64|qemu_armv7) test-vm"
	@echo "  size baseline bloatcheck install (DESTDIR, PREFIX) demo bench clean distclean"
.PHONY: demo bench clean distclean help
