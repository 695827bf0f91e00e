//! Linux input devices (feature `evdev`): USB scanners in keyboard mode and USB tactile keypads. A device is
//! grabbed, so what it types never reaches the UI.

/// Opens and grabs the input device at `path`.
pub fn open_grabbed(path: &str) -> std::io::Result<evdev::EventStream> {
    let mut d = evdev::Device::open(path)?;
    d.grab()?;
    d.into_event_stream()
}
