//! Hardware profiles (`hardware/profiles/*.toml`): the panel and every device of one kind of terminal.

use super::problems::{Problem, Problems};
use kiosk_drivers::{DeviceClass, KeypadKey};
// The device specs are the drivers' (one copy of each enum); the profile is how a terminal writes them.
pub use kiosk_drivers::spec::{
    default_protocol, protocol_fits, Baud, Completion, Connection, DeviceSpec, Protocol,
    RareCharacters, Terminator, DEFAULT_REPLACEMENT, DEFAULT_TONE_HZ,
};
use serde::Deserialize;
use std::path::Path;
use toml::de::DeValue;
use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    Landscape,
    Portrait,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub width_px: u32,
    pub height_px: u32,
    pub orientation: Orientation,
    /// Physical size of the visible area as mounted (width is across, as the resident sees it).
    pub width_mm: f32,
    pub height_mm: f32,
    /// Distance from the resident's eyes to the screen, for text-size checks.
    pub viewing_distance_mm: u32,
}

impl Panel {
    /// Pixels per millimetre across the panel.
    pub fn px_per_mm(&self) -> f32 {
        self.width_px as f32 / self.width_mm
    }
}

/// One `[[device]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDevice {
    id: String,
    class: DeviceClass,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    protocol: Option<Protocol>,
    #[serde(default)]
    simulated: bool,
    #[serde(default)]
    port: Option<String>,
    #[serde(default)]
    baud: Option<Baud>,
    #[serde(default)]
    terminator: Option<Terminator>,
    #[serde(default)]
    chip: Option<String>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    active_low: Option<bool>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    device: Option<String>,
    #[serde(default)]
    keys: Option<std::collections::BTreeMap<String, u32>>,
    #[serde(default)]
    pwm: Option<u8>,
    #[serde(default)]
    tone_hz: Option<u32>,
    #[serde(default)]
    rare_characters: Option<RareCharacters>,
    #[serde(default)]
    replacement: Option<char>,
    #[serde(default)]
    completion: Option<Completion>,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub panel: Panel,
    pub devices: Vec<DeviceSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileSection {
    name: String,
    #[serde(default)]
    description: String,
}

impl Profile {
    pub fn parse(file: &Path, source: &str) -> Result<Profile, Vec<Problem>> {
        let mut p = Problems::new(file, source);
        let root = p.parse();
        let mut meta: Option<ProfileSection> = None;
        let mut panel: Option<Panel> = None;
        let mut devices = Vec::new();
        let mut seen_ids: Vec<String> = Vec::new();
        for (key, value) in root.get_ref().iter() {
            let name: &str = key.get_ref().as_ref();
            match name {
                "profile" => meta = p.deserialize(name, value, "[profile] has name and description"),
                "panel" => {
                    panel = p.deserialize(
                        name,
                        value,
                        "[panel] needs width_px, height_px, orientation, width_mm, height_mm, viewing_distance_mm",
                    )
                }
                "device" => {
                    let DeValue::Array(list) = value.get_ref() else {
                        p.add(Some(value.span()), "device", "devices are written as [[device]] tables", "");
                        continue;
                    };
                    for (i, entry) in list.iter().enumerate() {
                        let key = format!("device[{i}]");
                        let hint = "each [[device]] has id, class and how it is connected (see hardware/README.md)";
                        let before = p.list.len();
                        let raw = p.deserialize::<RawDevice>(&key, entry, hint);
                        // An entry that already has a problem is not checked further: one cause, one message.
                        if let Some(raw) = raw.filter(|_| p.list.len() == before) {
                            if seen_ids.contains(&raw.id) {
                                p.add(Some(entry.span()), &key, format!("the id `{}` is used twice", raw.id), "give every device its own id");
                            }
                            seen_ids.push(raw.id.clone());
                            if let Some(d) = check_device(&mut p, &key, entry, raw) {
                                devices.push(d);
                            }
                        }
                    }
                }
                other => p.add(Some(key.span()), other, "unknown section", "the sections are [profile], [panel] and [[device]]"),
            }
        }
        if meta.is_none() && !root.get_ref().keys().any(|k| k.get_ref() == "profile") {
            p.add(
                None,
                "profile",
                "the [profile] section is missing",
                "add [profile] with name = \"…\"",
            );
        }
        if panel.is_none() && !root.get_ref().keys().any(|k| k.get_ref() == "panel") {
            p.add(
                None,
                "panel",
                "the [panel] section is missing",
                "add [panel] with the screen's pixels and millimetres",
            );
        }
        if let Some(panel) = &panel {
            let landscape = panel.width_px >= panel.height_px;
            if landscape != (panel.orientation == Orientation::Landscape)
                || panel.width_mm <= 0.0
                || panel.height_mm <= 0.0
            {
                p.add(
                    None,
                    "panel",
                    format!(
                        "{}×{} px does not match orientation {:?}, or a size is not positive",
                        panel.width_px, panel.height_px, panel.orientation
                    ),
                    "width is across the screen as the resident sees it",
                );
            }
        }
        match (meta, panel) {
            (Some(meta), Some(panel)) if p.list.is_empty() => Ok(Profile {
                name: meta.name,
                description: meta.description,
                panel,
                devices,
            }),
            _ => Err(p.list),
        }
    }

    pub fn load(file: &Path) -> Result<Profile, Vec<Problem>> {
        match std::fs::read_to_string(file) {
            Ok(source) => Profile::parse(file, &source),
            Err(e) => Err(vec![super::unreadable(
                file,
                &e,
                "profiles live in hardware/profiles/; pass --profile FILE",
            )]),
        }
    }

    pub fn simulated() -> Result<Profile, Vec<Problem>> {
        Profile::parse(
            Path::new(super::SIMULATED_PROFILE_NAME),
            super::SIMULATED_PROFILE,
        )
    }

    /// The same profile with every device played by the simulator.
    pub fn into_simulated(mut self) -> Profile {
        for d in &mut self.devices {
            d.connection = Connection::Simulated;
        }
        self
    }
}

fn check_device(
    p: &mut Problems<'_>,
    key: &str,
    entry: &Spanned<DeValue<'_>>,
    raw: RawDevice,
) -> Option<DeviceSpec> {
    let class = raw.class;
    let protocol = raw.protocol.unwrap_or(default_protocol(class));
    let here = Some(entry.span());
    if !protocol_fits(class, protocol) {
        p.add(
            here.clone(),
            key,
            format!("protocol {protocol:?} does not fit a {class}"),
            format!("leave protocol out for {:?}", default_protocol(class)),
        );
        return None;
    }
    if class != DeviceClass::Buzzer && (raw.pwm.is_some() || raw.tone_hz.is_some()) {
        p.add(
            here.clone(),
            key,
            format!("`pwm` and `tone_hz` are for a buzzer, not a {class}"),
            "remove them from this device",
        );
        return None;
    }
    if class != DeviceClass::ReceiptPrinter
        && (raw.rare_characters.is_some() || raw.replacement.is_some() || raw.completion.is_some())
    {
        p.add(
            here.clone(),
            key,
            format!(
                "`rare_characters`, `replacement` and `completion` are for receipt printers, not a {class}"
            ),
            "remove them from this device",
        );
        return None;
    }
    let missing = |p: &mut Problems<'_>, what: &str| {
        p.add(
            here.clone(),
            key,
            format!("a {class} ({protocol:?}) needs {what}"),
            "or set simulated = true",
        );
    };
    let connection = if raw.simulated {
        Connection::Simulated
    } else {
        match protocol {
            Protocol::Ga467
            | Protocol::SerialLine
            | Protocol::Honeywell
            | Protocol::Newland
            | Protocol::Escpos
            | Protocol::EvaluationPad => match (raw.port, raw.baud) {
                (Some(port), Some(baud)) => Connection::Serial {
                    port,
                    baud: baud.0,
                    terminator: raw.terminator.unwrap_or(Terminator::Cr),
                },
                _ => {
                    missing(p, "`port` and `baud`");
                    return None;
                }
            },
            Protocol::HidKeyboard | Protocol::Evdev => match raw.port {
                Some(port) => Connection::Input { port },
                None => {
                    missing(p, "`port` (an input device under /dev/input/by-id/)");
                    return None;
                }
            },
            Protocol::Gpio if class == DeviceClass::TactileKeypad => {
                let (Some(chip), Some(table)) = (raw.chip, raw.keys) else {
                    missing(
                        p,
                        "`chip` and `keys` (e.g. keys = { up = 5, down = 6, select = 13 })",
                    );
                    return None;
                };
                let mut keys = Vec::new();
                for (name, line) in table {
                    match KeypadKey::from_key(&name) {
                        Some(k) if !keys.iter().any(|(_, l)| *l == line) => keys.push((k, line)),
                        Some(_) => {
                            p.add(
                                here.clone(),
                                key,
                                format!("line {line} is given to two keys"),
                                "each key needs its own line",
                            );
                            return None;
                        }
                        None => {
                            let names: Vec<&str> = KeypadKey::ALL.iter().map(|k| k.key()).collect();
                            p.add(
                                here.clone(),
                                key,
                                format!("`{name}` is not a keypad key"),
                                format!("keys are {}", names.join(", ")),
                            );
                            return None;
                        }
                    }
                }
                Connection::GpioKeys {
                    chip,
                    keys,
                    active_low: raw.active_low.unwrap_or(false),
                }
            }
            Protocol::Gpio if class == DeviceClass::Buzzer && raw.pwm.is_some() => match raw.pwm {
                Some(channel @ 0..=1) => Connection::Pwm {
                    channel,
                    tone_hz: raw.tone_hz.unwrap_or(DEFAULT_TONE_HZ),
                },
                _ => {
                    p.add(
                        here.clone(),
                        key,
                        "the Raspberry Pi has PWM channels 0 and 1",
                        "pwm = 0 (GPIO 12/18) or 1 (GPIO 13/19)",
                    );
                    return None;
                }
            },
            Protocol::Gpio => match (raw.chip, raw.line) {
                (Some(chip), Some(line)) => Connection::Gpio {
                    chip,
                    line,
                    active_low: raw.active_low.unwrap_or(false),
                },
                _ => {
                    missing(p, "`chip` and `line`");
                    return None;
                }
            },
            Protocol::Ipp => match raw.uri {
                Some(uri) if uri.starts_with("ipp://") => Connection::Ipp { uri },
                _ => {
                    // No TLS in the firmware: a network printer is reached through the terminal's own CUPS.
                    missing(
                        p,
                        "`uri` (ipp://; for a network printer, the local CUPS queue ipp://localhost:631/printers/NAME)",
                    );
                    return None;
                }
            },
            Protocol::V4l2 => match raw.device {
                Some(device) => Connection::Camera { device },
                None => {
                    missing(p, "`device` (a video device under /dev/v4l/by-id/)");
                    return None;
                }
            },
        }
    };
    Some(DeviceSpec {
        id: raw.id,
        class,
        model: raw.model.unwrap_or_default(),
        protocol,
        connection,
        rare_characters: raw.rare_characters.unwrap_or_default(),
        replacement: raw.replacement.unwrap_or(DEFAULT_REPLACEMENT),
        completion: raw.completion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_are_valid() {
        let sim = Profile::simulated().unwrap();
        assert_eq!(sim.panel.orientation, Orientation::Landscape);
        assert!(sim
            .devices
            .iter()
            .all(|d| d.connection == Connection::Simulated));
        for class in DeviceClass::ALL {
            assert!(
                sim.devices.iter().any(|d| d.class == class),
                "simulated profile lacks {class}"
            );
        }
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../hardware/profiles/rpi4-community.toml"
        );
        let rpi = Profile::load(Path::new(dir)).unwrap();
        assert_eq!(rpi.panel.orientation, Orientation::Portrait);
        assert!(rpi
            .devices
            .iter()
            .all(|d| d.connection != Connection::Simulated));
        for class in DeviceClass::ALL {
            assert!(
                rpi.devices.iter().any(|d| d.class == class),
                "rpi4 profile lacks {class}"
            );
        }
    }

    #[test]
    fn device_problems_name_the_entry_and_line() {
        let src = "[profile]\nname = \"x\"\n[panel]\nwidth_px = 1920\nheight_px = 1080\norientation = \"landscape\"\nwidth_mm = 476\nheight_mm = 268\nviewing_distance_mm = 500\n\n[[device]]\nid = \"idcard\"\nclass = \"id-card-reader\"\nport = \"/dev/ttyUSB0\"\nbaud = 12345\n\n[[device]]\nid = \"help\"\nclass = \"help-button\"\n\n[[device]]\nid = \"cam\"\nclass = \"camera\"\n";
        let problems = Profile::parse(Path::new("p.toml"), src).unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text.iter().any(
                |t| t.starts_with("p.toml:15:8: `device[0].baud`: 12345 is not a serial speed")
            ),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("`device[1]`: a help-button (Gpio) needs `chip` and `line`")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("p.toml:23:9: `device[2].class`: unknown variant `camera`")),
            "{text:#?}"
        );
        assert_eq!(problems.len(), 3, "{text:#?}");
    }

    #[test]
    fn a_profile_without_panel_says_so() {
        let problems =
            Profile::parse(Path::new("p.toml"), "[profile]\nname = \"x\"\n").unwrap_err();
        assert!(problems
            .iter()
            .any(|p| p.message.contains("[panel] section is missing")));
    }

    #[test]
    fn receipt_printers_take_a_rare_character_setting_and_others_do_not() {
        let head = "[profile]\nname = \"x\"\n[panel]\nwidth_px = 1920\nheight_px = 1080\norientation = \"landscape\"\nwidth_mm = 476\nheight_mm = 268\nviewing_distance_mm = 500\n";
        let ok = format!("{head}[[device]]\nid = \"r\"\nclass = \"receipt-printer\"\nsimulated = true\nrare_characters = \"replace\"\nreplacement = \"?\"\n");
        let p = Profile::parse(Path::new("p.toml"), &ok).unwrap();
        assert_eq!(p.devices[0].rare_characters, RareCharacters::Replace);
        assert_eq!(p.devices[0].replacement, '?');
        assert_eq!(
            p.devices[0].completion, None,
            "probed unless the profile says"
        );
        let said = format!("{head}[[device]]\nid = \"r\"\nclass = \"receipt-printer\"\nsimulated = true\ncompletion = \"status-polling\"\n");
        let p = Profile::parse(Path::new("p.toml"), &said).unwrap();
        assert_eq!(p.devices[0].completion, Some(Completion::StatusPolling));
        let bad = format!("{head}[[device]]\nid = \"s\"\nclass = \"qr-scanner\"\nsimulated = true\nrare_characters = \"image\"\n");
        let problems = Profile::parse(Path::new("p.toml"), &bad).unwrap_err();
        assert!(
            problems[0].message.contains("are for receipt printers"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_gpio_keypad_names_its_keys() {
        let head = "[profile]\nname = \"x\"\n[panel]\nwidth_px = 1920\nheight_px = 1080\norientation = \"landscape\"\nwidth_mm = 476\nheight_mm = 268\nviewing_distance_mm = 500\n";
        let ok = format!("{head}[[device]]\nid = \"k\"\nclass = \"tactile-keypad\"\nprotocol = \"gpio\"\nchip = \"/dev/gpiochip0\"\nactive_low = true\nkeys = {{ up = 5, down = 6, select = 13 }}\n");
        let p = Profile::parse(Path::new("p.toml"), &ok).unwrap();
        match &p.devices[0].connection {
            Connection::GpioKeys {
                keys, active_low, ..
            } => {
                assert!(*active_low);
                assert!(keys.contains(&(KeypadKey::Select, 13)));
                assert_eq!(keys.len(), 3);
            }
            c => panic!("{c:?}"),
        }
        let bad = ok.replace("select = 13", "enter = 13");
        let problems = Profile::parse(Path::new("p.toml"), &bad).unwrap_err();
        assert!(
            problems[0].message.contains("`enter` is not a keypad key"),
            "{problems:?}"
        );
        let twice = ok.replace("select = 13", "select = 5");
        let problems = Profile::parse(Path::new("p.toml"), &twice).unwrap_err();
        assert!(
            problems[0].message.contains("line 5 is given to two keys"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_buzzer_can_sound_a_tone_on_a_pwm_channel() {
        let head = "[profile]\nname = \"x\"\n[panel]\nwidth_px = 1920\nheight_px = 1080\norientation = \"landscape\"\nwidth_mm = 476\nheight_mm = 268\nviewing_distance_mm = 500\n";
        let ok =
            format!("{head}[[device]]\nid = \"b\"\nclass = \"buzzer\"\npwm = 1\ntone_hz = 4000\n");
        let p = Profile::parse(Path::new("p.toml"), &ok).unwrap();
        assert_eq!(
            p.devices[0].connection,
            Connection::Pwm {
                channel: 1,
                tone_hz: 4000
            }
        );
        let bad = ok.replace("pwm = 1", "pwm = 3");
        assert!(Profile::parse(Path::new("p.toml"), &bad).unwrap_err()[0]
            .message
            .contains("PWM channels 0 and 1"));
        let light = format!("{head}[[device]]\nid = \"l\"\nclass = \"lights\"\npwm = 0\n");
        assert!(Profile::parse(Path::new("p.toml"), &light).unwrap_err()[0]
            .message
            .contains("are for a buzzer"));
    }
}
