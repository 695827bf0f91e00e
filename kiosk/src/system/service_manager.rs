//! The firmware under systemd (`Type=notify`, `WatchdogSec=`): READY=1 once the first frame is on the screen, so
//! that "started" means a person can see the terminal; WATCHDOG=1 from the UI event loop, so that a hung UI is
//! killed and restarted like a crashed one; STATUS= for `systemctl status`. Outside systemd (no NOTIFY_SOCKET)
//! nothing is sent and nothing fails.

use sd_notify::NotifyState;
use slint::{Timer, TimerMode};
use std::time::Duration;

/// The pings' timer; the supervision lasts as long as this is kept.
pub struct Supervision {
    _watchdog: Option<Timer>,
}

fn notify(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::warn!(error = %e, "cannot reach the service manager");
    }
}

/// Starts the supervision; call it after the window is shown and before the event loop runs. `first_frame`
/// runs once the first frame is on the screen (the kiosk's self-test then starts).
pub fn supervise(first_frame: impl FnOnce() + 'static) -> Supervision {
    // The linuxkms event loop runs timers, then renders, then waits. A zero-delay timer armed from a zero-delay
    // timer therefore fires in the second turn of the loop, after the first frame was drawn and presented.
    Timer::single_shot(Duration::ZERO, move || {
        Timer::single_shot(Duration::ZERO, move || {
            notify(&[NotifyState::Ready, NotifyState::Status("serving residents")]);
            tracing::info!("first frame shown; ready");
            first_frame();
        })
    });
    // Pinged from the UI thread's timers: if the event loop hangs, the pings stop and systemd restarts us.
    let watchdog = sd_notify::watchdog_enabled().map(|interval| {
        let every = (interval / 3).max(Duration::from_millis(100));
        let timer = Timer::default();
        timer.start(TimerMode::Repeated, every, || {
            notify(&[NotifyState::Watchdog])
        });
        tracing::info!(every_ms = every.as_millis() as u64, "watchdog pings on");
        timer
    });
    Supervision {
        _watchdog: watchdog,
    }
}

/// Tells systemd that the firmware is stopping (before a restart or a reboot asked for).
pub fn stopping() {
    notify(&[NotifyState::Stopping]);
}
