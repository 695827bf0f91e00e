//! Health as every driver reports it: published when it changes (not on every poll), logged once per change.

use crate::device::{DeviceId, Health};
use crate::event::DeviceEvent;
use tokio::sync::mpsc::UnboundedSender;

pub struct HealthReport {
    id: DeviceId,
    /// What the device is, for the log ("ID card reader").
    what: &'static str,
    last: Option<Health>,
    events: UnboundedSender<DeviceEvent>,
}

impl HealthReport {
    pub fn new(id: DeviceId, what: &'static str, events: UnboundedSender<DeviceEvent>) -> Self {
        Self {
            id,
            what,
            last: None,
            events,
        }
    }

    pub fn set(&mut self, h: Health) {
        if self.last.as_ref() == Some(&h) {
            return;
        }
        match &h {
            Health::Down { reason } => {
                tracing::error!(device = %self.id, %reason, "{} down", self.what)
            }
            h => tracing::info!(device = %self.id, health = ?h, "{}", self.what),
        }
        self.last = Some(h.clone());
        self.publish(DeviceEvent::Health {
            device: self.id.clone(),
            health: h,
        });
    }

    /// Publishes another event of this device. The receiver goes away only at shutdown.
    pub fn publish(&self, e: DeviceEvent) {
        let _ = self.events.send(e);
    }
}
