//! Health as every driver reports it: published when its kind changes (online, degraded, down), not on every
//! poll nor when only the wording of the reason changes (an unplugged port first fails to read, then fails to
//! open: one "down", with the first reason; the later ones go to the log).

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
        if let (Some(last), Health::Down { reason } | Health::Degraded { reason }) =
            (&self.last, &h)
        {
            if std::mem::discriminant(last) == std::mem::discriminant(&h) {
                tracing::debug!(device = %self.id, %reason, "{} still not well", self.what);
                return;
            }
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
