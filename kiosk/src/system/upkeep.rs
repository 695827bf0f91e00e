//! Keeping the terminal running, its state (the kiosk's side, `app::upkeep`, acts on it): what the maintenance menu's commands do to the devices,
//! the outbox and the system; the consumables' counters; the heartbeat to the platform every 30 s; the
//! configuration changes (from the menu or pushed by the platform) with their rollback; and the image's slot
//! (RAUC): marked good after the self-test, updates installed from the menu.

use crate::config::{Config, Panel};
use crate::maintenance::Consumable;
use crate::system::rauc::{Rauc, Status};
use kiosk_api::ConfigResult;
use std::path::PathBuf;
use std::time::{Duration, Instant};

// The menu shows them: they are the core's maintenance vocabulary.
pub use kiosk_core::maintenance::{SlotCheck, UpdateRun};

/// What the kiosk keeps for maintenance and telemetry.
pub struct Upkeep {
    pub started: Instant,
    /// The running configuration and the file it came from (None: built-in defaults of the simulation).
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub panel: Panel,
    pub data_dir: PathBuf,
    pub simulated: bool,
    pub(crate) last_heartbeat: Option<Instant>,
    pub(crate) heartbeat_in_flight: bool,
    /// The last answer of the platform: its latency, or why it did not answer.
    pub hub: Option<Result<Duration, String>>,
    /// What the last pushed configuration came to, for the next heartbeat.
    pub(crate) pending_result: Option<ConfigResult>,
    /// The push last handled (a push is applied once).
    pub(crate) last_push: Option<String>,
    /// A restart was asked for: the exit code systemd restarts the firmware on.
    pub exit_code: Option<i32>,
    /// RAUC, where the image has it (None: a development build or the simulated terminal).
    pub rauc: Option<Rauc>,
    /// How long the firmware must run with its first frame shown before its slot is marked good.
    pub good_after: Duration,
    /// The slots as RAUC last reported them, or why it could not.
    pub slots: Option<Result<Status, String>>,
    /// Whether the running slot was marked good after the self-test.
    pub slot_check: SlotCheck,
    /// An update installed from the maintenance menu.
    pub update: UpdateRun,
}

/// A blocking RAUC call on the runtime's blocking threads; its error as the text the menu shows.
pub(crate) async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, crate::system::rauc::RaucError> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
}

/// How long the firmware runs with its first frame on the screen before it marks its slot good: long enough
/// to show that it does not crash or hang right after starting.
pub const GOOD_AFTER: Duration = Duration::from_secs(30);

impl Upkeep {
    pub fn new(config: &Config, panel: &Panel) -> Upkeep {
        Upkeep {
            started: Instant::now(),
            config: config.clone(),
            config_path: None,
            panel: panel.clone(),
            data_dir: config.storage.data_dir.clone(),
            simulated: false,
            last_heartbeat: None,
            heartbeat_in_flight: false,
            hub: None,
            pending_result: None,
            last_push: None,
            exit_code: None,
            rauc: None,
            good_after: GOOD_AFTER,
            slots: None,
            slot_check: SlotCheck::Waiting,
            update: UpdateRun::Idle,
        }
    }
}

/// The exit code that asks systemd to start the firmware again (`Restart=always` restarts on any exit; the
/// code tells a restart asked for from a crash in the journal).
pub const RESTART_EXIT_CODE: i32 = 75;

/// The exit code that asks systemd to reboot the board (the unit's `RestartPreventExitStatus=76` and
/// `FailureAction=reboot`): the firmware's user needs no right to reboot.
pub const REBOOT_EXIT_CODE: i32 = 76;

/// Where the wrong-PIN count and the lock-out's end are kept: "FAILURES UNTIL_MS".
pub(crate) const LOCK_SECRET: &str = "maintenance.lock";

pub(crate) fn counter_name(c: Consumable) -> String {
    format!("counter.{}", c.name())
}
