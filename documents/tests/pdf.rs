//! Our PDFs read back with poppler (pdftotext, pdfinfo, pdffonts, pdftoppm from poppler-utils, installed by
//! scripts/test): the words are there as text (the font is embedded and maps back to Unicode), the font is a
//! subset (the file stays small), long forms run onto more pages, the signature is drawn.

use kiosk_documents::{
    application_form, receipt, render, Fonts, FormField, FormInput, ReceiptInput, Signature,
};
use std::path::PathBuf;
use std::process::Command;

fn out_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("documents");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian package poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A handwritten-looking stroke: a sine wave with a loop, dark blue on transparent.
fn signature() -> Signature {
    let (w, h) = (400u32, 120u32);
    let mut rgba = vec![0u8; (w * h * 4) as usize];
    for x in 10..390 {
        let t = x as f32 / 40.0;
        let y = 60.0 + 35.0 * t.sin() * (1.0 - x as f32 / 500.0);
        for dy in -2i32..=2 {
            let yy = (y as i32 + dy).clamp(0, h as i32 - 1) as u32;
            let i = ((yy * w + x) * 4) as usize;
            rgba[i..i + 4].copy_from_slice(&[20, 30, 120, 255]);
        }
    }
    Signature {
        width: w,
        height: h,
        rgba,
    }
}

fn form(fields: usize, signature: Option<Signature>) -> FormInput {
    FormInput {
        issuer: "上海市杨浦区政务服务中心 · 15分钟政务服务圈".into(),
        item: "居住证明开具".into(),
        reference: "YP20261129-000123".into(),
        submitted: "2026年11月29日 10:42".into(),
        terminal: "殷行街道社区事务受理服务中心".into(),
        fields: (0..fields)
            .map(|i| FormField {
                label: if i == 0 { "申请人姓名".into() } else { format!("字段 {i}") },
                value: if i == 0 {
                    "张𪚥国".into()
                } else {
                    format!("上海市杨浦区国和路{i}号，这是一段较长的地址文本，用来检查换行是否正确地在格子里折行。")
                },
            })
            .collect(),
        materials: vec!["居民身份证（正反面）".into(), "租赁合同".into()],
        commitment: Some("本人承诺：所填写的信息及提交的材料真实、准确、完整，如有虚假，愿意承担相应的法律责任。".into()),
        signature,
    }
}

#[test]
fn an_application_form_reads_back_as_text_with_an_embedded_subset_font() {
    let fonts = Fonts::load().unwrap();
    let r = render(&application_form(&form(6, Some(signature()))), &fonts).unwrap();
    assert!(r.pdf.starts_with(b"%PDF-"));
    assert_eq!(r.pages, 1);
    let path = out_dir().join("form.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let p = path.to_str().unwrap();

    // pdftotext turns narrow gaps into nothing; compare without spaces.
    let text = poppler("pdftotext", &["-layout", p, "-"]).replace(' ', "");
    for words in [
        "居住证明开具申请表",
        "YP20261129-000123",
        "申请人签名",
        "本人承诺",
        "租赁合同",
        "第1页/共1页",
    ] {
        assert!(text.contains(words), "{words:?} not in:\n{text}");
    }
    let fonts_used = poppler("pdffonts", &[p]);
    // Every font embedded, and as a subset (the name has the ABCDEF+ prefix).
    for line in fonts_used.lines().skip(2) {
        assert!(line.contains(" yes "), "not embedded: {line}");
        assert!(line.contains('+'), "not a subset: {line}");
    }
    // The bundled font file alone is 3 MB.
    assert!(r.pdf.len() < 200_000, "{} bytes", r.pdf.len());
    // 𪚥 (CJK Extension B) is in no bundled font and not in Noto Sans CJK: the system's fonts are asked by
    // what they cover, and Hanazono Mincho B (Debian's fonts-hanazono, the image's hanazono-font) draws it, with
    // or without Noto Sans CJK installed before it.
    assert!(!Fonts::bundled_only().unwrap().draws('𪚥'));
    assert!(
        fonts.draws('𪚥'),
        "no system font draws 𪚥: install fonts-hanazono (scripts/system-packages does)"
    );
    assert_eq!(r.missing, 0);
    assert!(text.contains("张𪚥国"), "{text}");

    // The signature is drawn: dark blue pixels inside the signature box of the rendered page.
    let png = out_dir().join("form");
    poppler(
        "pdftoppm",
        &["-png", "-r", "60", "-singlefile", p, png.to_str().unwrap()],
    );
    let img = std::fs::read(png.with_extension("png")).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(img));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bpp = info.line_size / info.width as usize;
    let blue = buf
        .chunks(bpp)
        .filter(|px| px[2] > 90 && px[0] < 60 && px[1] < 70)
        .count();
    assert!(blue > 50, "signature pixels: {blue}");
}

#[test]
fn a_character_no_font_has_prints_as_the_mark_and_is_counted() {
    let fonts = Fonts::bundled_only().unwrap();
    let r = render(&application_form(&form(1, None)), &fonts).unwrap();
    assert_eq!(r.missing, 1);
    let path = out_dir().join("missing.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let text = poppler("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(text.contains("张〓国"), "{text}");
}

#[test]
fn a_long_form_runs_onto_more_pages_with_numbers() {
    let fonts = Fonts::bundled_only().unwrap();
    let r = render(&application_form(&form(40, Some(signature()))), &fonts).unwrap();
    assert!(r.pages >= 3, "{} pages", r.pages);
    let path = out_dir().join("long.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let p = path.to_str().unwrap();
    let info = poppler("pdfinfo", &[p]);
    assert!(
        info.contains(&format!("Pages:           {}", r.pages)),
        "{info}"
    );
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let text = poppler("pdftotext", &[p, "-"]).replace(' ', "");
    assert!(
        text.contains(&format!("第{}页/共{}页", r.pages, r.pages)),
        "{text}"
    );
    assert!(text.contains("字段39"));
}

#[test]
fn a_receipt_and_a_bad_signature() {
    let fonts = Fonts::bundled_only().unwrap();
    let r = render(
        &receipt(&ReceiptInput {
            issuer: "上海市杨浦区政务服务中心".into(),
            item: "社保缴费记录打印".into(),
            reference: "YP-42".into(),
            submitted: "2026-11-29 10:42".into(),
            terminal: "殷行街道".into(),
            rows: vec![("承诺时限".into(), "即办".into())],
            note: Some("凭受理编号可在“一网通办”查询办理进度。".into()),
        }),
        &fonts,
    )
    .unwrap();
    let path = out_dir().join("receipt.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let text = poppler("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(text.contains("受理回执") && text.contains("即办"), "{text}");

    let mut bad = form(1, Some(signature()));
    if let Some(s) = bad.signature.as_mut() {
        s.rgba.truncate(10);
    }
    let e = render(&application_form(&bad), &fonts).unwrap_err();
    assert!(e.to_string().contains("400×120"), "{e}");
}
