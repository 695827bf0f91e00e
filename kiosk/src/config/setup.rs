//! Finding the configuration and the profile for a command, collecting every problem on the way.

use crate::config::{Config, Problem, Profile, DEFAULT_CONFIG_PATH};
use std::path::{Path, PathBuf};

pub struct Setup {
    pub config: Config,
    pub config_file: Option<PathBuf>,
    pub profile: Profile,
    pub profile_name: String,
    pub problems: Vec<Problem>,
}

/// Loads the configuration (`--config`, else the default path, else in simulation the built-in defaults)
/// and the profile (`--profile`, else the one the configuration names, else in simulation the built-in one).
/// Whatever fails is replaced by what works and reported in `problems`; nothing is silently defaulted.
pub fn load(config: Option<&Path>, profile: Option<&Path>, simulate: bool) -> Setup {
    let mut problems = Vec::new();
    let config_file = match config {
        Some(p) => Some(p.to_path_buf()),
        None if simulate => None,
        None => Some(PathBuf::from(DEFAULT_CONFIG_PATH)),
    };
    let config = match &config_file {
        Some(f) => {
            let (c, p) = Config::load_partial(f);
            problems.extend(p);
            c
        }
        None => Config::default(),
    };
    let profile_file = profile
        .map(Path::to_path_buf)
        .or_else(|| config.profile_path(config_file.as_deref()));
    let (profile, profile_name) = match &profile_file {
        Some(f) => match Profile::load(f) {
            Ok(p) => (p, f.display().to_string()),
            Err(p) => {
                problems.extend(p);
                (
                    fallback_profile(),
                    format!("{} (unusable; built-in panel, no devices)", f.display()),
                )
            }
        },
        None if simulate => match Profile::simulated() {
            Ok(p) => (p, crate::config::SIMULATED_PROFILE_NAME.to_string()),
            Err(p) => {
                problems.extend(p);
                (fallback_profile(), "built-in".to_string())
            }
        },
        None => {
            problems.push(Problem {
                file: config_file.clone().unwrap_or_default(),
                line: 0,
                column: 0,
                key: "terminal.profile".into(),
                message: "no hardware profile given".into(),
                hint: "set terminal.profile in the configuration, or pass --profile FILE (see hardware/profiles/)"
                    .into(),
            });
            (
                fallback_profile(),
                "none (built-in panel, no devices)".to_string(),
            )
        }
    };
    let profile = if simulate {
        profile.into_simulated()
    } else {
        profile
    };
    Setup {
        config,
        config_file,
        profile,
        profile_name,
        problems,
    }
}

/// The built-in panel with no devices: enough to show residents that the terminal is not fully working.
fn fallback_profile() -> Profile {
    match Profile::simulated() {
        Ok(mut p) => {
            p.devices.clear();
            p.name = "fallback".into();
            p
        }
        // The built-in profile is tested; should it ever fail, a literal panel keeps the screen usable.
        Err(_) => Profile {
            name: "fallback".into(),
            description: String::new(),
            panel: crate::config::Panel {
                width_px: 1920,
                height_px: 1080,
                orientation: crate::config::Orientation::Landscape,
                width_mm: 476.1,
                height_mm: 267.8,
                viewing_distance_mm: 500,
            },
            devices: Vec::new(),
        },
    }
}

/// Says every problem of the configuration and profile on standard error and in the log.
pub fn report(s: &Setup) {
    for p in &s.problems {
        eprintln!("{p}");
        tracing::error!(file = %p.file.display(), line = p.line, key = %p.key, "{}", p.message);
    }
}
