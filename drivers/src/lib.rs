//! Device classes of the self-service terminal.
//!
//! Each class follows the shape in DESIGN.md: a sans-IO `protocol`, an async `driver` over a transport and a `sim`
//! that plays the device on the other end of a pseudo-terminal. This crate knows nothing of sessions or screens:
//! it turns hardware into typed [`DeviceEvent`]s and typed records, and it keeps personal data inside
//! [`Sensitive`].

pub mod a4;
#[cfg(feature = "io")]
pub mod camera;
pub mod codec;
pub mod device;
pub mod error;
pub mod event;
pub mod gpio;
pub mod idcard;
#[cfg(feature = "evdev")]
pub mod input;
#[cfg(feature = "io")]
pub mod jobs;
pub mod keypad;
#[cfg(feature = "io")]
pub mod manager;
pub mod pad;
pub mod printer;

#[cfg(feature = "io")]
pub mod report;
pub mod scanner;
pub mod sensitive;
#[cfg(feature = "io")]
pub mod serial;
pub mod sim;
#[cfg(feature = "io")]
pub mod simio;
pub mod smartcard;
pub mod spec;

pub use device::{DeviceClass, DeviceId, Health};
pub use error::DeviceError;
pub use event::{CardProblem, DeviceEvent, KeypadKey, PaperState, Rating};
pub use idcard::{
    CardType, Date, ForeignDetails, IdCardRecord, IdNumber, IdNumberError, PermitDetails, Sex,
    Validity,
};
pub use scanner::{ScanKind, ScanPayload};
pub use sensitive::Sensitive;
