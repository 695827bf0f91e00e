################################################################################
#
# hanazono-font
#
################################################################################

# Debian's package of the upstream release: upstream's own download site (OSDN) is gone, Debian's archive and its
# snapshots keep this file, and CI's tests read the same font from Debian's fonts-hanazono.
HANAZONO_FONT_VERSION = 20170904
HANAZONO_FONT_SOURCE = fonts-hanazono_$(HANAZONO_FONT_VERSION)-2.1_all.deb
HANAZONO_FONT_SITE = https://snapshot.debian.org/archive/debian/20250520T000000Z/pool/main/f/fonts-hanazono
HANAZONO_FONT_LICENSE = OFL-1.1 or Hanazono Font License
HANAZONO_FONT_LICENSE_FILES = usr/share/doc/fonts-hanazono/copyright
HANAZONO_FONT_EXTRACT_DEPENDENCIES = $(BR2_XZCAT_HOST_DEPENDENCY)

# A .deb is an ar archive around data.tar.xz; only Mincho B (Extensions B to F) and the licence are taken:
# Mincho A repeats the basic plane the image's other fonts cover.
define HANAZONO_FONT_EXTRACT_CMDS
	cd $(@D) && $(HOSTAR) x $(HANAZONO_FONT_DL_DIR)/$(HANAZONO_FONT_SOURCE) data.tar.xz
	$(XZCAT) $(@D)/data.tar.xz | $(TAR) -x -C $(@D) -f - \
		./usr/share/fonts/truetype/hanazono/HanaMinB.ttf \
		./usr/share/doc/fonts-hanazono/copyright
endef

# Where kiosk_fonts::SYSTEM_FONTS looks for it on the image.
define HANAZONO_FONT_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0644 $(@D)/usr/share/fonts/truetype/hanazono/HanaMinB.ttf \
		$(TARGET_DIR)/usr/share/fonts/hanazono/HanaMinB.ttf
endef

$(eval $(generic-package))
