//! The terminal's model types, shared by the session, applications, maintenance and the call: who is at the
//! terminal, what they photographed, how the terminal is set up, and what the platform answered.

use kiosk_drivers::Sensitive;
use serde::Deserialize;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Zh,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }

    /// The one way the Rust side says a thing in the resident's language: both wordings side by side where
    /// the sentence is written (the views' own words are `@tr` in Slint, translated in ui/translations).
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Language::Zh => zh,
            Language::En => en,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Technician {
    pub name: String,
    /// argon2id PHC string of the PIN (4 to 8 digits).
    pub pin_hash: String,
    /// argon2id PHC string of the technician's ID card number, to enter by card instead of PIN.
    #[serde(default)]
    pub card_hash: Option<String>,
}

/// What the session takes from the configuration; the kiosk makes it from kiosk.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub inactivity_timeout: Duration,
    pub warning: Duration,
    pub elder_age: u16,
    pub elder_default: bool,
    pub high_contrast: bool,
    pub language: Language,
}

/// The identified resident: only what the screens need, and all of it wiped when the session ends.
#[derive(Debug)]
pub struct Resident {
    pub name: Sensitive<String>,
    pub age: u16,
    /// What the card gives forms (or the platform, for a 随申码).
    pub card: CardData,
    /// Identified by the ID card in the reader (not by 随申码).
    pub by_card: bool,
}

/// A photographed material: the JPEG that is handed in, and a small view of it for the screen. Both are the
/// resident's documents: wiped when the session ends.
pub struct Photo {
    /// Unique in this terminal's life: the view is handed to the screen once per photo, not at every redraw.
    /// Numbered by the terminal when it takes the photo in (`Input::Photo`); 0 before.
    pub id: u64,
    pub jpeg: Sensitive<Vec<u8>>,
    pub view: Sensitive<Vec<u8>>,
    pub view_width: u32,
    pub view_height: u32,
    /// What a clerk would send the page back for (too dark, cut off), as the camera's check saw it.
    pub quality: PhotoQuality,
}

/// What a clerk would send a photographed page back for, as the camera's check saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhotoQuality {
    pub dark: bool,
    pub cut_off: bool,
}

impl Photo {
    pub fn new(jpeg: Vec<u8>, view: Vec<u8>, view_width: u32, view_height: u32) -> Self {
        Self {
            id: 0,
            jpeg: jpeg.into(),
            view: view.into(),
            view_width,
            view_height,
            quality: Default::default(),
        }
    }

    pub fn with_quality(mut self, quality: PhotoQuality) -> Self {
        self.quality = quality;
        self
    }
}

impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Photo({} bytes JPEG)", self.jpeg.expose().len())
    }
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PlatformError {
    /// No answer: network down, hub stopped, deadline passed.
    #[error("platform not reachable: {0}")]
    Unreachable(String),
    /// The platform answered and said no (maintenance, invalid request).
    #[error("platform refused ({status}): {code}: {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The platform answered something this terminal cannot read.
    #[error("unreadable reply from the platform: {0}")]
    BadReply(String),
}

impl PlatformError {
    /// Whether trying again later may work. Only a request the platform says is invalid (422) or not this
    /// terminal's to make (403) is final: anything else (down, overloaded, not enrolled yet or token revoked,
    /// a material missing, a reply garbled on the way) is kept and retried, because dropping it would lose
    /// what a resident handed in, and a retry under the same key is never a second case.
    pub fn is_transient(&self) -> bool {
        match self {
            PlatformError::Unreachable(_) | PlatformError::BadReply(_) => true,
            PlatformError::Refused { status, .. } => !matches!(*status, 403 | 422),
        }
    }
}

impl Default for Settings {
    /// The configuration's defaults (kiosk.toml without a `[session]` or `[ui]` section).
    fn default() -> Self {
        Settings {
            inactivity_timeout: Duration::from_secs(120),
            warning: Duration::from_secs(30),
            elder_age: 65,
            elder_default: false,
            high_contrast: false,
            language: Language::Zh,
        }
    }
}

/// What the ID card gives a form. Wiped with the session.
pub struct CardData {
    pub name: Sensitive<String>,
    pub id_number: Sensitive<String>,
    pub sex: String,
    pub birth: String,
    pub address: Sensitive<String>,
    /// For a card other than the resident ID card: which document the number is on, and what only that
    /// document has (field id, label, value), in the order a form shows them. Empty for a resident ID card
    /// and a 随申码.
    pub document: Vec<(&'static str, &'static str, Sensitive<String>)>,
}

impl std::fmt::Debug for CardData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardData(…)")
    }
}

impl CardData {
    pub fn from_record(r: &kiosk_drivers::IdCardRecord) -> CardData {
        use kiosk_drivers::Sex;
        CardData {
            name: Sensitive::new(r.name.expose().clone()),
            id_number: Sensitive::new(r.id_number.expose().as_str().to_string()),
            sex: match r.sex {
                Sex::Male => "男",
                Sex::Female => "女",
                _ => "",
            }
            .into(),
            birth: r.birth_date.to_string(),
            address: Sensitive::new(r.address.expose().clone()),
            document: Self::document(r),
        }
    }

    fn document(
        r: &kiosk_drivers::IdCardRecord,
    ) -> Vec<(&'static str, &'static str, Sensitive<String>)> {
        if r.card_type == kiosk_drivers::CardType::ResidentId {
            return Vec::new();
        }
        let mut out = vec![(
            "card_type",
            "证件类型",
            Sensitive::new(r.card_type.name_zh().to_string()),
        )];
        if let Some(f) = &r.foreign {
            // Known by the English name alone, it is the name already.
            if f.english_name.expose() != r.name.expose() {
                out.push(("english_name", "英文姓名", f.english_name.clone()));
            }
            out.push(("nationality", "国籍", Sensitive::new(f.nationality.clone())));
        }
        if let Some(p) = &r.permit {
            out.push(("pass_number", "通行证号码", p.pass_number.clone()));
        }
        out
    }

    /// What the platform says of the holder of a 随申码.
    pub fn from_identity(r: &kiosk_api::IdentityReply) -> CardData {
        CardData {
            name: Sensitive::new(r.applicant.name.clone()),
            id_number: Sensitive::new(r.applicant.id_number.clone()),
            sex: r.sex.clone(),
            birth: r.birth_date.clone(),
            address: Sensitive::new(r.address.clone()),
            document: Vec::new(),
        }
    }

    pub fn applicant(&self) -> kiosk_api::Applicant {
        kiosk_api::Applicant {
            name: self.name.expose().clone(),
            id_number: self.id_number.expose().clone(),
        }
    }
}
