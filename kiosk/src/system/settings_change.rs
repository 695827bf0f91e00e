//! Changing the terminal's configuration while it runs: from the maintenance menu (a few settings, edited in
//! place with toml_edit so that the file keeps its comments) or pushed whole by the platform. Either way the
//! new file is validated as `kiosk check-config` would, a new platform URL must answer, the old file is kept
//! beside it (`kiosk.toml.previous`), and when the written file does not load back the old one is restored:
//! the terminal never runs on a configuration it could not read at the next start.

use crate::config::{Config, Language};
use crate::maintenance::SettingsDraft;
use std::path::{Path, PathBuf};

/// What to change.
#[derive(Debug, Clone)]
pub enum Change {
    /// The menu's settings, written into the current file.
    Settings(SettingsDraft),
    /// A whole kiosk.toml from the platform.
    Whole(String),
}

/// A change that took: the new configuration and what to tell the technician or the platform.
#[derive(Debug)]
pub struct Applied {
    pub config: Config,
    pub message: String,
}

/// The file the previous configuration is kept in.
pub fn previous_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".previous");
    PathBuf::from(p)
}

/// The current file with the menu's settings written in (comments and other keys kept).
fn edited(current: &str, d: &SettingsDraft) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = current
        .parse()
        .map_err(|e| format!("the current configuration does not parse: {e}"))?;
    let mut set = |section: &str, key: &str, value: toml_edit::Value| {
        if !doc.contains_table(section) {
            doc[section] = toml_edit::table();
        }
        doc[section][key] = toml_edit::value(value);
    };
    set(
        "session",
        "inactivity_timeout_s",
        i64::from(d.inactivity_timeout_s).into(),
    );
    set("session", "warning_s", i64::from(d.warning_s).into());
    set("session", "elder_age", i64::from(d.elder_age).into());
    set("ui", "elder_mode", d.elder_default.into());
    set("ui", "high_contrast", d.high_contrast.into());
    let lang = match d.language {
        Language::Zh => "zh",
        Language::En => "en",
    };
    set("terminal", "language", lang.into());
    Ok(doc.to_string())
}

/// Validates a change against the running configuration, without touching any file: the new text, and the
/// configuration it gives.
pub fn validate(
    path: &Path,
    current_text: &str,
    running: &Config,
    change: &Change,
) -> Result<(String, Config), String> {
    let text = match change {
        Change::Settings(d) => edited(current_text, d)?,
        Change::Whole(t) => t.clone(),
    };
    let config = Config::parse(path, &text).map_err(|problems| {
        problems
            .iter()
            .map(|p| match p.line {
                0 => format!("{}: {}", p.key, p.message),
                line => format!("{} (line {line}): {}", p.key, p.message),
            })
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    // The terminal's identity is its enrolment's: a renamed terminal would lose its token.
    if config.terminal.id != running.terminal.id {
        return Err(format!(
            "terminal.id cannot change by a configuration change ({} → {}); re-enrol the terminal instead",
            running.terminal.id, config.terminal.id
        ));
    }
    Ok((text, config))
}

/// Writes `text` to `path` keeping the old file beside it, and reads it back; when the file written does not
/// load, the previous one is put back.
pub fn write_with_rollback(path: &Path, text: &str) -> Result<Config, String> {
    let previous = previous_path(path);
    let had_file = path.exists();
    if had_file {
        std::fs::copy(path, &previous).map_err(|e| {
            format!(
                "cannot keep the previous configuration {}: {e}",
                previous.display()
            )
        })?;
    }
    let tmp = path.with_extension("toml.new");
    let written = std::fs::write(&tmp, text)
        .and_then(|_| std::fs::File::open(&tmp).and_then(|f| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, path));
    let loaded = match written {
        Ok(()) => Config::load(path).map_err(|problems| {
            format!(
                "the written file does not load: {}",
                problems
                    .first()
                    .map(|p| p.message.clone())
                    .unwrap_or_default()
            )
        }),
        Err(e) => Err(format!("cannot write {}: {e}", path.display())),
    };
    match loaded {
        Ok(c) => Ok(c),
        Err(why) => {
            let _ = std::fs::remove_file(&tmp);
            let restored = if had_file {
                std::fs::copy(&previous, path).map(|_| ())
            } else {
                std::fs::remove_file(path)
            };
            Err(match restored {
                Ok(()) => format!("{why}; the previous configuration was restored"),
                Err(e) => format!("{why}; restoring the previous configuration failed too: {e}"),
            })
        }
    }
}

/// The whole change: validate, check that a new platform URL answers, write with rollback. `path` None: the
/// simulated terminal without a configuration file, where a change holds for this run only.
pub async fn apply(
    path: Option<PathBuf>,
    running: Config,
    change: Change,
) -> Result<Applied, String> {
    let shown = path
        .clone()
        .unwrap_or_else(|| PathBuf::from("kiosk.toml (built-in defaults)"));
    let current_text = match &path {
        Some(p) if p.exists() => {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?
        }
        _ => String::new(),
    };
    let (text, config) = validate(&shown, &current_text, &running, &change)?;
    if config.platform.url != running.platform.url {
        crate::platform::Platform::probe(&config.platform.url.0)
            .await
            .map_err(|e| {
                format!(
                    "the new platform URL {} does not answer ({e}); nothing changed",
                    config.platform.url.0
                )
            })?;
    }
    match path {
        Some(p) => {
            let config = tokio::task::spawn_blocking(move || write_with_rollback(&p, &text))
                .await
                .map_err(|e| e.to_string())??;
            Ok(Applied {
                config,
                message: "已应用 applied".into(),
            })
        }
        None => Ok(Applied {
            config,
            message: "已应用（模拟终端，仅本次运行有效）applied for this run".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# The terminal at 开鲁新村\n[terminal]\nid = \"YP-YH-0001\"\n\n[session]\n# seconds\ninactivity_timeout_s = 120\n";

    fn draft() -> SettingsDraft {
        SettingsDraft::of(&Config::default().settings())
    }

    fn running() -> Config {
        Config::parse(Path::new("k.toml"), FILE).expect("valid")
    }

    #[test]
    fn the_menus_settings_keep_the_files_comments() {
        let mut d = draft();
        d.inactivity_timeout_s = 180;
        d.high_contrast = true;
        let (text, config) =
            validate(Path::new("k.toml"), FILE, &running(), &Change::Settings(d)).expect("valid");
        assert!(
            text.contains("# The terminal at 开鲁新村") && text.contains("# seconds"),
            "{text}"
        );
        assert_eq!(config.session.inactivity_timeout_s.0, 180);
        assert!(config.ui.high_contrast);
    }

    #[test]
    fn an_invalid_change_is_refused_with_its_reasons() {
        let mut d = draft();
        d.inactivity_timeout_s = 30;
        d.warning_s = 40;
        let e = validate(Path::new("k.toml"), FILE, &running(), &Change::Settings(d))
            .expect_err("refused");
        assert!(e.contains("warning"), "{e}");
        let e = validate(
            Path::new("k.toml"),
            FILE,
            &running(),
            &Change::Whole("[session]\ninactivity_timeout_s = 5\n".into()),
        )
        .expect_err("refused");
        assert!(e.contains("inactivity_timeout_s"), "{e}");
        let e = validate(
            Path::new("k.toml"),
            FILE,
            &running(),
            &Change::Whole("[terminal]\nid = \"OTHER\"\n".into()),
        )
        .expect_err("refused");
        assert!(e.contains("terminal.id"), "{e}");
    }

    #[test]
    fn a_file_that_does_not_load_back_is_rolled_back() {
        let dir = std::env::temp_dir().join(format!("kiosk-settings-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("kiosk.toml");
        std::fs::write(&path, FILE).expect("write");
        // Text that does not parse stands for a file damaged on its way to the disk.
        let e = write_with_rollback(&path, "[session\n").expect_err("rolled back");
        assert!(e.contains("restored"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), FILE);
        let good = FILE.replace("120", "240");
        let c = write_with_rollback(&path, &good).expect("written");
        assert_eq!(c.session.inactivity_timeout_s.0, 240);
        assert_eq!(
            std::fs::read_to_string(previous_path(&path)).expect("previous"),
            FILE
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
