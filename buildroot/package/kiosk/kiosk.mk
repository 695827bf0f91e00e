################################################################################
#
# kiosk
#
################################################################################

# Built from the repository this external tree lives in: the Cargo workspace one level up (a local source's
# version is "custom").
KIOSK_SITE = $(BR2_EXTERNAL_KIOSK_PATH)/..
KIOSK_SITE_METHOD = local
KIOSK_LICENSE = GPL-3.0-only
KIOSK_LICENSE_FILES = LICENSE
# A developer's checkout holds build products (tens of GB under target/) and a Buildroot output tree; neither
# belongs in the package's source.
KIOSK_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude /target --exclude /.git --exclude /buildroot/output --exclude /drivers/fuzz

KIOSK_DEPENDENCIES = \
	host-pkgconf \
	host-cmake \
	host-clang \
	alsa-lib \
	fontconfig \
	libinput \
	libxkbcommon \
	udev

# The hardware build: linuxkms (DRM/KMS, libinput, no seat daemon), evdev scanners, Raspberry Pi PWM, V4L2
# cameras, ALSA for the video call. The desktop backend (winit) stays out.
KIOSK_CARGO_BUILD_OPTS = \
	-p kiosk --bin kiosk \
	--no-default-features \
	--features kms,evdev,rpi,v4l,alsa

# The screen's and the PDFs' fonts and the search dictionary are files on the image, not 7 MB of bytes in the
# binary (its size budget); KIOSK_FONT_DIR and KIOSK_DATA_DIR tell the build where they will be, and the install
# puts them there.
KIOSK_DATA_DIR = /usr/share/kiosk
KIOSK_FONT_DIR = $(KIOSK_DATA_DIR)/fonts

# bindgen (nokhwa's V4L2 bindings) loads Buildroot's host libclang and parses the target's headers. The relative relocations
# are packed (DT_RELR, 1.2 MB of the binary's size budget as plain entries; scripts/link-aarch64): ld packs them
# on aarch64 from binutils 2.43 on and ignores the option before, glibc loads them from 2.36 on.
KIOSK_CARGO_ENV = \
	LIBCLANG_PATH=$(HOST_DIR)/lib \
	BINDGEN_EXTRA_CLANG_ARGS="--sysroot=$(STAGING_DIR)" \
	PKG_CONFIG_ALLOW_CROSS=1 \
	KIOSK_FONT_DIR=$(KIOSK_FONT_DIR) \
	KIOSK_DATA_DIR=$(KIOSK_DATA_DIR) \
	CARGO_TARGET_$(call UPPERCASE,$(RUSTC_TARGET_NAME))_RUSTFLAGS="-C link-arg=-Wl,-z,pack-relative-relocs"

# cargo-package vendors the crates in its download step, which a local source skips: vendor them after the
# rsync instead, so that the build itself runs --offline like every cargo package (this step needs crates.io,
# or a CARGO_HOME that already holds the crates).
define KIOSK_VENDOR_CRATES
	mkdir -p $(@D)/.cargo
	cd $(@D) && $(PKG_COMMON_CARGO_ENV) $(HOST_DIR)/bin/cargo vendor --locked VENDOR \
		> $(@D)/.cargo/config.toml
endef
KIOSK_POST_RSYNC_HOOKS += KIOSK_VENDOR_CRATES

# The workspace root is a virtual manifest, so cargo install cannot be used: install the binary, the rpi4
# hardware profile, the bundled fonts, the search dictionary and the systemd unit.
define KIOSK_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(@D)/target/$(RUSTC_TARGET_NAME)/$(if $(BR2_ENABLE_DEBUG),debug,release)/kiosk \
		$(TARGET_DIR)/usr/bin/kiosk
	$(INSTALL) -D -m 0644 $(@D)/hardware/profiles/rpi4-community.toml \
		$(TARGET_DIR)/etc/kiosk/profiles/rpi4-community.toml
	$(INSTALL) -D -m 0644 -t $(TARGET_DIR)$(KIOSK_FONT_DIR) $(@D)/ui/fonts/*.otf
	$(INSTALL) -D -m 0644 $(@D)/data/jieba-dict.txt $(TARGET_DIR)$(KIOSK_DATA_DIR)/jieba-dict.txt
endef

define KIOSK_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(KIOSK_PKGDIR)/kiosk.service \
		$(TARGET_DIR)/usr/lib/systemd/system/kiosk.service
endef

# The kiosk user: its own group, which the udev rules give the terminal's devices to; no login, no shell.
define KIOSK_USERS
	kiosk -1 kiosk -1 * /var/lib/kiosk /bin/false - Government self-service terminal firmware
endef

$(eval $(cargo-package))
