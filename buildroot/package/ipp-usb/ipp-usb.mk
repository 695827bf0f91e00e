################################################################################
#
# ipp-usb
#
################################################################################

IPP_USB_VERSION = 0.9.23
IPP_USB_SITE = $(call github,OpenPrinting,ipp-usb,$(IPP_USB_VERSION))
IPP_USB_LICENSE = BSD-2-Clause
IPP_USB_LICENSE_FILES = LICENSE
IPP_USB_GOMOD = github.com/OpenPrinting/ipp-usb
IPP_USB_DEPENDENCIES = host-pkgconf libusb avahi

# ipp-usb's own udev rule starts its unit when an IPP-over-USB printer is plugged in; its configuration (from the
# board overlay) keeps it on loopback, at port 60000, without DNS-SD.
define IPP_USB_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(@D)/systemd-udev/ipp-usb.service \
		$(TARGET_DIR)/usr/lib/systemd/system/ipp-usb.service
	$(INSTALL) -D -m 0644 $(@D)/systemd-udev/71-ipp-usb.rules \
		$(TARGET_DIR)/usr/lib/udev/rules.d/71-ipp-usb.rules
endef

$(eval $(golang-package))
