//! The PDFs of a case: the application as the resident filled and signed it (for the platform), and a document
//! the platform issued (for the A4 printer). Rendering is `kiosk-documents`; this module only fills its sheets.

use kiosk_api::{CaseRequest, IssuedDocument};
use kiosk_documents::{render, DocumentError, Fonts, FormField, FormInput, Sheet, Signature};

/// Pixels of the signature image in the PDF (a 3:1 box, like the pad's drawing area at print resolution).
const SIGNATURE_W: u32 = 600;
const SIGNATURE_H: u32 = 300;

/// Draws the strokes as dark ink on a transparent image, the signature fitted into it with its shape kept.
pub fn signature_image(strokes: &[Vec<(f32, f32)>]) -> Option<Signature> {
    let points = || strokes.iter().flatten();
    let (x0, y0) = points().fold((f32::MAX, f32::MAX), |a, p| (a.0.min(p.0), a.1.min(p.1)));
    let (x1, y1) = points().fold((f32::MIN, f32::MIN), |a, p| (a.0.max(p.0), a.1.max(p.1)));
    if x0 > x1 {
        return None;
    }
    let mut img = image::RgbaImage::new(SIGNATURE_W, SIGNATURE_H);
    let ink = image::Rgba([11u8, 30, 69, 255]);
    let margin = 10.0;
    let scale = ((SIGNATURE_W as f32 - 2.0 * margin) / (x1 - x0).max(1e-3))
        .min((SIGNATURE_H as f32 - 2.0 * margin) / (y1 - y0).max(1e-3));
    let (ox, oy) = (
        (SIGNATURE_W as f32 - (x1 - x0) * scale) / 2.0,
        (SIGNATURE_H as f32 - (y1 - y0) * scale) / 2.0,
    );
    let at = |p: (f32, f32)| ((p.0 - x0) * scale + ox, (p.1 - y0) * scale + oy);
    for s in strokes {
        let points: Vec<(f32, f32)> = s.iter().copied().map(at).collect();
        // A pen of radius 2 px: discs stamped along each segment, one pixel apart (imageproc draws only
        // one-pixel lines).
        let mut stamp = |(x, y): (f32, f32)| {
            imageproc::drawing::draw_filled_circle_mut(&mut img, (x as i32, y as i32), 2, ink)
        };
        match points.as_slice() {
            [only] => stamp(*only),
            _ => {
                for w in points.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    let n = ((b.0 - a.0).hypot(b.1 - a.1).ceil() as usize).max(1);
                    for k in 0..=n {
                        let t = k as f32 / n as f32;
                        stamp((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
                    }
                }
            }
        }
    }
    Some(Signature {
        width: SIGNATURE_W,
        height: SIGNATURE_H,
        rgba: img.into_raw(),
    })
}

/// The application form of a case, signed (`signature`: [`signature_image`] of the resident's strokes).
pub fn application_pdf(
    r: &CaseRequest,
    signature: Option<Signature>,
    submitted: &str,
    terminal: &str,
) -> Result<Vec<u8>, DocumentError> {
    let sheet = kiosk_documents::application_form(&FormInput {
        issuer: "上海市杨浦区政务服务中心".into(),
        item: r.item_name.clone(),
        reference: r.idempotency_key.clone(),
        submitted: submitted.into(),
        terminal: terminal.into(),
        fields: r
            .fields
            .iter()
            .map(|f| FormField {
                label: f.label.clone(),
                value: f.value.clone(),
            })
            .collect(),
        materials: r
            .materials
            .iter()
            .map(|m| m.name.clone())
            .chain(
                r.certificates
                    .iter()
                    .map(|c| format!("{}（电子证照 {}，免于提交）", c.name, c.number)),
            )
            .chain(
                r.parts
                    .iter()
                    .map(|p| format!("分送 {}：{}（{}）", p.department, p.item_name, p.time_limit)),
            )
            .collect(),
        commitment: r.commitment.clone(),
        signature,
    });
    Ok(render(&sheet, Fonts::shared()?)?.pdf)
}

/// A text the terminal wrote for the resident (a tenancy statement, an application letter), signed with the
/// application's signature: a material of the case in its own right.
pub fn written_pdf(
    w: &kiosk_core::application::Written,
    r: &CaseRequest,
    signature: Option<Signature>,
    submitted: &str,
    terminal: &str,
) -> Result<Vec<u8>, DocumentError> {
    use kiosk_documents::Section;
    let sheet = Sheet {
        issuer: "上海市杨浦区政务服务中心".into(),
        title: w.name.clone(),
        subtitle: Some(format!("{} · 申请编号 {}", r.item_name, r.idempotency_key)),
        sections: vec![
            Section::Paragraph(w.text.expose().clone()),
            Section::Signature {
                caption: "申请人签名".into(),
                image: signature,
                date: submitted.into(),
            },
            Section::Paragraph(
                "本材料由自助终端按申请人填写的内容和电子证照生成，经申请人阅读后签名确认。".into(),
            ),
        ],
        footer: format!("政务服务自助终端 {terminal}"),
    };
    Ok(render(&sheet, Fonts::shared()?)?.pdf)
}

/// A document the platform issued, as a PDF for the A4 printer; with its name for the print queue.
pub fn issued_pdf(d: &IssuedDocument) -> Result<(String, Vec<u8>), DocumentError> {
    let mut sections = vec![kiosk_documents::Section::Rows(d.rows.clone())];
    if let Some(n) = &d.note {
        sections.push(kiosk_documents::Section::Paragraph(n.clone()));
    }
    let sheet = Sheet {
        issuer: d.issuer.clone(),
        title: d.title.clone(),
        subtitle: None,
        sections,
        footer: "政务服务自助终端打印".into(),
    };
    Ok((d.title.clone(), render(&sheet, Fonts::shared()?)?.pdf))
}

/// The test receipt of `kiosk diag printer` and the maintenance menu: when, where, and every kind of mark.
pub fn test_receipt(port: &str, baud: &str) -> kiosk_drivers::printer::protocol::Receipt {
    let stamp = crate::system::clock::local_now()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    kiosk_drivers::printer::protocol::Receipt::new()
        .title("打印测试 Print test")
        .row("时间 Time", stamp)
        .row("端口 Port", port)
        .row("速率 Baud", baud)
        .text("中文、English、数字 0123456789")
        .separator()
        .qr("https://kiosk.example.invalid/print-test")
}

/// The test page of `kiosk diag a4`: what was printed where and when, in Chinese and English.
pub fn a4_test_page(uri: &str) -> Result<Vec<u8>, String> {
    let fonts = kiosk_documents::Fonts::shared().map_err(|e| e.to_string())?;
    let stamp = crate::system::clock::local_now()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let sheet = kiosk_documents::Sheet {
        issuer: "自助终端维护 Terminal maintenance".into(),
        title: "A4 打印测试 Print test".into(),
        subtitle: None,
        sections: vec![
            kiosk_documents::Section::Rows(vec![
                ("时间 Time".into(), stamp),
                ("打印机 Printer".into(), uri.into()),
                ("固件 Firmware".into(), env!("CARGO_PKG_VERSION").into()),
            ]),
            kiosk_documents::Section::Paragraph(
                "中文、English、数字 0123456789。这一页打印清楚、没有缺字，A4 打印机就可以为居民打印申请表和回执。".into(),
            ),
        ],
        footer: "kiosk diag a4".into(),
    };
    kiosk_documents::render(&sheet, fonts)
        .map(|r| r.pdf)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_drawn_where_it_was_signed() {
        // A stroke across and a short one down: fitted into the image, centred.
        let sig = signature_image(&[vec![(0.1, 0.5), (0.9, 0.5)], vec![(0.5, 0.45), (0.5, 0.55)]])
            .unwrap();
        let alpha = |x: u32, y: u32| sig.rgba[((y * SIGNATURE_W + x) * 4 + 3) as usize];
        assert_eq!(alpha(300, 150), 255, "ink on the stroke");
        assert_eq!(alpha(20, 150), 255, "the stroke reaches across");
        assert_eq!(alpha(300, 20), 0, "nothing far from it");
        assert_eq!(alpha(100, 60), 0);
        assert!(signature_image(&[]).is_none());
    }
}
