//! ISO/IEC 7816-4 command and response APDUs, as far as a reader of the 社保卡's basic data needs them: short
//! APDUs only (the basic data files hold records of at most 30 bytes).
//!
//! Written here rather than taken from a crate: building a short command is a few lines, and the crates of the
//! field (iso7816, apdu) are shaped for the card's side, with fixed-capacity buffers this reader does not need.

use std::fmt;

/// A status word (SW1 SW2) the reader acts on.
pub mod sw {
    pub const OK: u16 = 0x9000;
    /// 61xx: xx more bytes wait; fetch them with GET RESPONSE (T=0 cards).
    pub const MORE_DATA: u8 = 0x61;
    /// 6Cxx: wrong Le; send the command again with Le = xx (T=0 cards).
    pub const WRONG_LE: u8 = 0x6C;
    /// Security status not satisfied: the file needs an authentication (PSAM) first.
    pub const SECURITY: u16 = 0x6982;
    pub const FILE_NOT_FOUND: u16 = 0x6A82;
    pub const RECORD_NOT_FOUND: u16 = 0x6A83;
    pub const WRONG_P1P2: u16 = 0x6A86;
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    pub const CLA_NOT_SUPPORTED: u16 = 0x6E00;
}

pub const INS_SELECT: u8 = 0xA4;
pub const INS_READ_RECORD: u8 = 0xB2;
pub const INS_GET_RESPONSE: u8 = 0xC0;
/// SELECT by DF name (AID).
pub const SELECT_BY_NAME: u8 = 0x04;
/// SELECT a file under the current DF by its identifier.
pub const SELECT_BY_ID: u8 = 0x02;
/// READ RECORD: P1 is the record number (in the current EF).
pub const RECORD_BY_NUMBER: u8 = 0x04;

/// A short command APDU (case 1 to 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Vec<u8>,
    /// Expected response length; `Some(0)` asks for up to 256 bytes.
    pub le: Option<u8>,
}

impl Command {
    pub fn select_by_name(aid: &[u8]) -> Self {
        Self::new(INS_SELECT, SELECT_BY_NAME, 0x00, aid.to_vec(), None)
    }

    pub fn select_by_id(fid: u16) -> Self {
        Self::new(
            INS_SELECT,
            SELECT_BY_ID,
            0x00,
            fid.to_be_bytes().to_vec(),
            None,
        )
    }

    pub fn read_record(number: u8, le: u8) -> Self {
        Self::new(
            INS_READ_RECORD,
            number,
            RECORD_BY_NUMBER,
            Vec::new(),
            Some(le),
        )
    }

    pub fn get_response(len: u8) -> Self {
        Self::new(INS_GET_RESPONSE, 0x00, 0x00, Vec::new(), Some(len))
    }

    fn new(ins: u8, p1: u8, p2: u8, data: Vec<u8>, le: Option<u8>) -> Self {
        Self {
            cla: 0x00,
            ins,
            p1,
            p2,
            data,
            le,
        }
    }

    /// The bytes on the wire. Data longer than 255 bytes is not a short APDU and is never built here.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![self.cla, self.ins, self.p1, self.p2];
        if !self.data.is_empty() {
            out.push(self.data.len().min(255) as u8);
            out.extend_from_slice(&self.data[..self.data.len().min(255)]);
        }
        if let Some(le) = self.le {
            out.push(le);
        }
        out
    }

    /// Reads a short command back (the card emulator's side); `None` for anything that is not one.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let (&[cla, ins, p1, p2], body) = (bytes.first_chunk::<4>()?, bytes.get(4..)?);
        let (data, le) = match body {
            [] => (Vec::new(), None),
            [le] => (Vec::new(), Some(*le)),
            [lc, rest @ ..] if *lc as usize == rest.len() && *lc > 0 => (rest.to_vec(), None),
            [lc, rest @ ..] if *lc > 0 && *lc as usize + 1 == rest.len() => {
                let (data, le) = rest.split_at(*lc as usize);
                (data.to_vec(), le.first().copied())
            }
            _ => return None,
        };
        Some(Self {
            cla,
            ins,
            p1,
            p2,
            data,
            le,
        })
    }
}

/// A response APDU: data and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl fmt::Debug for Response {
    // The data may be a name or a number: only its length goes to a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Response({} bytes, {:04X})", self.data.len(), self.sw)
    }
}

impl Response {
    /// Splits what the card answered; fewer than two bytes is not a response.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let split = bytes.len().checked_sub(2)?;
        let (data, sw) = bytes.split_at(split);
        Some(Self {
            data: data.to_vec(),
            sw: u16::from_be_bytes([sw[0], sw[1]]),
        })
    }

    pub fn ok(data: Vec<u8>) -> Self {
        Self { data, sw: sw::OK }
    }

    pub fn status(sw: u16) -> Self {
        Self {
            data: Vec::new(),
            sw,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend_from_slice(&self.sw.to_be_bytes());
        out
    }

    pub fn sw1(&self) -> u8 {
        (self.sw >> 8) as u8
    }

    pub fn sw2(&self) -> u8 {
        self.sw as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_encode_and_decode_in_every_case() {
        for c in [
            Command::select_by_name(b"sx1.sh.\xC9\xE7\xBB\xE1\xB1\xA3\xD5\xCF"),
            Command::select_by_id(0xEF05),
            Command::read_record(8, 0),
            Command::get_response(0x12),
        ] {
            assert_eq!(Command::decode(&c.encode()), Some(c.clone()), "{c:?}");
        }
        assert_eq!(
            Command::select_by_id(0xEF06).encode(),
            [0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x06]
        );
        assert_eq!(
            Command::read_record(9, 0).encode(),
            [0x00, 0xB2, 0x09, 0x04, 0x00]
        );
        // Lc that does not match the bytes that follow.
        assert_eq!(Command::decode(&[0, 0xA4, 2, 0, 5, 0xEF]), None);
        assert_eq!(Command::decode(&[0, 0xA4, 2]), None);
    }

    #[test]
    fn responses_split_data_from_status() {
        let r = Response::parse(&[0x08, 0x01, 0x31, 0x90, 0x00]).unwrap();
        assert_eq!(r.data, [0x08, 0x01, 0x31]);
        assert_eq!(r.sw, sw::OK);
        assert_eq!(
            Response::parse(&[0x6A, 0x82]).unwrap().sw,
            sw::FILE_NOT_FOUND
        );
        assert!(Response::parse(&[0x90]).is_none());
        assert_eq!(format!("{r:?}"), "Response(3 bytes, 9000)");
    }
}
