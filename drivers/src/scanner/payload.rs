//! What a QR/barcode scan means to the terminal.

use crate::sensitive::Sensitive;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanKind {
    /// Shanghai's personal code. Its format is not public: it is an opaque, short-lived token that only the
    /// platform can check, never parsed or kept beyond the session.
    SuiShenMa,
    Other,
}

/// One scan. The payload can identify a person, so it stays [`Sensitive`] and never reaches a log.
#[derive(Debug, Clone)]
pub struct ScanPayload {
    pub kind: ScanKind,
    pub data: Sensitive<String>,
}

impl ScanPayload {
    /// Classifies a scan the way public kiosk code does: a payload that holds a URL is taken for a 随申码 and
    /// left to the platform to verify; anything else is another code. CR and LF terminators are stripped.
    pub fn classify(raw: &str) -> Self {
        let data = raw.trim_end_matches(['\r', '\n']).to_string();
        let kind = if data.to_ascii_lowercase().contains("http") {
            ScanKind::SuiShenMa
        } else {
            ScanKind::Other
        };
        Self {
            kind,
            data: Sensitive::new(data),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_suishenma_and_terminators_go() {
        let s = ScanPayload::classify("https://example.invalid/ssm?t=abc\r\n");
        assert_eq!(s.kind, ScanKind::SuiShenMa);
        assert_eq!(s.data.expose(), "https://example.invalid/ssm?t=abc");
        assert_eq!(ScanPayload::classify("6901234567892").kind, ScanKind::Other);
    }
}
