include $(sort $(wildcard $(BR2_EXTERNAL_KIOSK_PATH)/package/*/*.mk))
