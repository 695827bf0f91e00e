//! USB scanners in keyboard mode type each scan as key presses ending in Enter. This turns Linux input key codes
//! (US layout, which scanners emulate) into the scanned text. Sans-IO: the evdev reader feeds it key events.

/// Linux key codes (`linux/input-event-codes.h`) and what they type, unshifted and shifted.
fn key_chars(code: u16) -> Option<(char, char)> {
    const ROW1: &str = "1234567890-=";
    const ROW1S: &str = "!@#$%^&*()_+";
    const ROW2: &str = "qwertyuiop[]";
    const ROW3: &str = "asdfghjkl;'`";
    const ROW4: &str = "\\zxcvbnm,./";
    const ROW4S: &str = "|ZXCVBNM<>?";
    let nth = |s: &str, i: u16| s.chars().nth(usize::from(i));
    let pair = |a: Option<char>, b: Option<char>| a.zip(b);
    match code {
        2..=13 => pair(nth(ROW1, code - 2), nth(ROW1S, code - 2)),
        16..=27 => pair(nth(ROW2, code - 16), nth("QWERTYUIOP{}", code - 16)),
        30..=41 => pair(nth(ROW3, code - 30), nth("ASDFGHJKL:\"~", code - 30)),
        43..=53 => pair(nth(ROW4, code - 43), nth(ROW4S, code - 43)),
        57 => Some((' ', ' ')),
        _ => None,
    }
}

const KEY_ENTER: u16 = 28;
const KEY_KPENTER: u16 = 96;
const KEY_LEFTSHIFT: u16 = 42;
const KEY_RIGHTSHIFT: u16 = 54;
const KEY_CAPSLOCK: u16 = 58;

/// Collects typed characters until Enter.
#[derive(Debug, Default)]
pub struct KeyboardDecoder {
    shift: bool,
    caps: bool,
    line: String,
}

impl KeyboardDecoder {
    /// One key event: `value` 1 = press, 0 = release, 2 = auto-repeat. Returns a scan when Enter ends one.
    pub fn key(&mut self, code: u16, value: i32) -> Option<String> {
        match (code, value) {
            (KEY_LEFTSHIFT | KEY_RIGHTSHIFT, v) => self.shift = v != 0,
            (KEY_CAPSLOCK, 1) => self.caps = !self.caps,
            (KEY_ENTER | KEY_KPENTER, 1) if !self.line.is_empty() => {
                return Some(std::mem::take(&mut self.line));
            }
            (KEY_ENTER | KEY_KPENTER, _) => {}
            (c, 1 | 2) => {
                if let Some((lower, upper)) = key_chars(c) {
                    let upper_case = if lower.is_ascii_alphabetic() {
                        self.shift ^ self.caps
                    } else {
                        self.shift
                    };
                    if self.line.len() < super::protocol::MAX_SCAN {
                        self.line.push(if upper_case { upper } else { lower });
                    }
                }
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_keys_become_the_scan() {
        let mut k = KeyboardDecoder::default();
        // "Ab1:/" then Enter.
        let keys = [
            (42, 1),
            (30, 1),
            (30, 0),
            (42, 0),
            (48, 1),
            (2, 1),
            (42, 1),
            (39, 1),
            (42, 0),
            (53, 1),
        ];
        for (c, v) in keys {
            assert_eq!(k.key(c, v), None);
        }
        assert_eq!(k.key(28, 1).as_deref(), Some("Ab1:/"));
        assert_eq!(k.key(28, 1), None, "empty lines are not scans");
    }
}
