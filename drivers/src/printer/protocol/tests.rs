use super::*;
use crate::codec::decode_all;
use crate::printer::raster;
use kiosk_fonts::{FontSet, LoadedFont};

fn sample() -> Receipt {
    Receipt::new()
        .title("杨浦区政务服务")
        .text("社保缴费记录已打印")
        .row("办件编号", "YP2026112800017")
        .separator()
        .qr("https://zwfw.example.invalid/q/YP2026112800017")
}

#[test]
fn a_receipt_is_gb18030_text_a_qr_code_a_cut_and_a_job_marker() {
    let out = encode(&sample(), &Layout::default(), job_id(17)).unwrap();
    let ops: Vec<Op> = decode_all(&mut CommandDecoder::default(), &out.bytes)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(ops[0], Op::Init);
    let texts: Vec<String> = ops
        .iter()
        .filter_map(|o| match o {
            Op::Text(t) => Some(encoding_rs::GB18030.decode(t).0.into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(texts[0], "杨浦区政务服务");
    assert!(texts[2].starts_with("办件编号") && texts[2].ends_with("YP2026112800017"));
    // 4 wide characters and 15 narrow ones fill 48 columns.
    assert_eq!(texts[2].chars().count(), 4 + 15 + (48 - 8 - 15));
    assert!(ops.contains(&Op::QrData(
        b"https://zwfw.example.invalid/q/YP2026112800017".to_vec()
    )));
    assert!(ops.contains(&Op::QrPrint));
    let cut = ops.iter().position(|o| *o == Op::Cut).unwrap();
    assert_eq!(ops.last(), Some(&Op::JobMarker(*b"0017")));
    assert!(cut < ops.len() - 1);
    // GS ( k store data: pL pH = data length + 3.
    let qr = b"https://zwfw.example.invalid/q/YP2026112800017";
    let mut store = vec![GS, b'(', b'k', (qr.len() + 3) as u8, 0, 0x31, 0x50, 0x30];
    store.extend_from_slice(qr);
    assert!(out.bytes.windows(store.len()).any(|w| w == store));
}

#[test]
fn rare_characters_are_replaced_or_drawn() {
    // Ü needs four bytes in GB18030; ü and Chinese need two.
    assert!(needs_four_bytes('Ü') && needs_four_bytes('𠮷'));
    assert!(!needs_four_bytes('ü') && !needs_four_bytes('杨') && !needs_four_bytes('A'));
    let r = Receipt::new().text("申请人 MÜLLER").text("杨浦");
    let out = encode(&r, &Layout::default(), job_id(1)).unwrap();
    assert_eq!((out.replaced_chars, out.rastered_lines), (1, 0));
    let gb = encoding_rs::GB18030.encode("申请人 M□LLER").0.into_owned();
    assert!(out.bytes.windows(gb.len()).any(|w| w == gb));

    let layout = Layout {
        fallback: Fallback::Raster(Arc::new(subset()), '□'),
        ..Layout::default()
    };
    let out = encode(&r, &layout, job_id(2)).unwrap();
    assert_eq!((out.replaced_chars, out.rastered_lines), (0, 1));
    let ops: Vec<Op> = decode_all(&mut CommandDecoder::default(), &out.bytes)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        ops.contains(&Op::Raster {
            width_bytes: 72,
            height: 24
        }),
        "{ops:?}"
    );
}

/// The bundled font subset, as the only font of a set.
fn subset() -> FontSet {
    let bytes = include_bytes!("../../../../ui/fonts/NotoSansSC-Regular-subset.otf");
    FontSet::of(LoadedFont::from_bytes(bytes, 0))
}

#[test]
fn the_raster_holds_the_text() {
    let fonts = subset();
    let empty = raster::render(&fonts, "", 24, 576);
    let text = raster::render(&fonts, "MÜLLER 杨浦", 24, 576);
    assert_eq!(empty.ink(), 0);
    assert!(text.ink() > 300, "{}", text.ink());
    // Ink only in the left part: the text is short.
    let right: usize = (0..24)
        .map(|y| {
            text.data[y * 72 + 40..y * 72 + 72]
                .iter()
                .map(|b| b.count_ones() as usize)
                .sum::<usize>()
        })
        .sum();
    assert_eq!(right, 0);
}

#[test]
fn status_bytes_round_trip_and_explain_a_refusal() {
    for paper in [PaperState::Ok, PaperState::NearEnd, PaperState::Out] {
        for cover_open in [false, true] {
            let s = PrinterStatus {
                online: !cover_open,
                cover_open,
                paper,
                error: false,
            };
            let [a, b, c] = s.to_bytes();
            assert_eq!(PrinterStatus::from_bytes(a, b, c), Some(s));
        }
    }
    let out = PrinterStatus {
        online: true,
        cover_open: false,
        paper: PaperState::Out,
        error: false,
    };
    assert_eq!(out.refusal(), Some("the receipt printer is out of paper"));
    assert_eq!(PrinterStatus::from_bytes(0xFF, 0x12, 0x12), None);
    assert_eq!(
        status_request(RealTimeStatusRequest::RollPaperSensor),
        [0x10, 0x04, 0x04]
    );
}

#[test]
fn replies_are_split_from_noise() {
    let got = decode_all(
        &mut ReplyDecoder::default(),
        &[
            0x00, 0x16, 0xFF, 0x37, 0x22, b'0', b'0', b'1', b'7', 0x00, 0x12,
        ],
    );
    assert_eq!(
        got.into_iter().map(|r| r.unwrap()).collect::<Vec<_>>(),
        vec![
            PrinterReply::Status(0x16),
            PrinterReply::JobDone(*b"0017"),
            PrinterReply::Status(0x12)
        ]
    );
}
