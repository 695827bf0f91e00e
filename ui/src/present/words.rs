//! The words the Rust side of the views says, each in both languages side by side (`Language::pick`); the
//! pages' own words are `@tr` in Slint. Kept in one module so that a translator or a reviewer finds them.

use kiosk_core::session::{DeviceState, Notice};
use kiosk_core::Language;
use kiosk_drivers::{DeviceClass, Health, PaperState};

/// A notice over the page, in the resident's language.
pub fn notice(n: Notice, lang: Language) -> &'static str {
    let (zh, en) = match n {
        Notice::SuiShenMaNeedsPlatform => (
            "已读到随申码，但暂时无法核验。请插入身份证，或到服务点窗口办理。",
            "Suishenma read, but it cannot be verified right now. Please insert your ID card, or go to the counter.",
        ),
        Notice::SuiShenMaChecking => (
            "正在核验随申码…",
            "Checking your Suishenma…",
        ),
        Notice::SuiShenMaRefused => (
            "随申码无效或已过期。请在手机上刷新随申码后再扫，或插入身份证。",
            "This Suishenma is not valid or has expired. Refresh it on your phone and scan again, or insert your ID card.",
        ),
        Notice::ItemNeedsCard => (
            "此事项需要读取身份证原件，请把身份证放到读卡区。",
            "This service needs your ID card itself: please place it on the reader.",
        ),
        Notice::UnknownCode => (
            "这个二维码不是随申码，无法用于办事。请出示随申码或插入身份证。",
            "This code is not a Suishenma. Please show your Suishenma or insert your ID card.",
        ),
        Notice::HelpNotConnected => (
            "帮办服务暂未接通。请到服务点窗口找工作人员，或拨打 12345 热线。",
            "Staff help is not connected yet. Please ask at the service counter, or call the 12345 hotline.",
        ),
        Notice::VideoNotConnected => (
            "视频办暂未接通。请到服务点窗口办理，或拨打 12345 热线。",
            "Video service is not connected yet. Please go to the service counter, or call 12345.",
        ),
        Notice::CardExpired => (
            "这张身份证已过有效期，不能用于自助办理。请到服务点窗口办理。",
            "This ID card has expired and cannot be used here. Please go to the service counter.",
        ),
        Notice::CardUnsupported => (
            "本机暂不支持这种证件。请出示随申码，或到服务点窗口办理。",
            "This kind of card cannot be used on this terminal yet. Please show your Suishenma, or go to the service counter.",
        ),
        Notice::CardReadFailed => (
            "没有读到身份证信息。请把证件平放在读卡区，不要移动，稍等片刻。",
            "The card could not be read. Please lay it flat on the reader and hold still for a moment.",
        ),
        Notice::SessionEndedTimeout => (
            "因长时间未操作，已退出并清除您的信息。",
            "The session ended after a long pause; your data was cleared.",
        ),
        Notice::HelpCalling => (
            "正在呼叫帮办人员…",
            "Calling a member of staff…",
        ),
        Notice::HelpComing => (
            "已通知工作人员，请在终端旁稍候。",
            "Staff have been told: please wait by the terminal.",
        ),
        Notice::ThankYou => (
            "感谢使用！请取走身份证和打印的材料。您的信息已清除。",
            "Thank you! Please take your ID card and your printouts. Your data was cleared.",
        ),
        Notice::NotDoneSent => (
            "已记录您遇到的问题，工作人员会跟进。需要马上帮助请点「呼叫帮办」。",
            "Your problem was recorded and staff will follow up. For help now, tap Call staff.",
        ),
        Notice::NotDoneFailed => (
            "问题暂时没能送达。请到服务点窗口告诉工作人员，或拨打 12345 热线。",
            "The report could not be sent. Please tell the staff at the counter, or call 12345.",
        ),
        Notice::CallBackBooked => (
            "已登记回电号码，坐席会尽快给您回电。",
            "Your number is noted: a clerk will call you back soon.",
        ),
        Notice::CallPrinted => (
            "坐席发送的文件已打印，请在 A4 出纸口取走。",
            "The clerk's document is printed: please take it from the A4 tray.",
        ),
        Notice::CallPrintFailed => (
            "坐席发送的文件没能打印，坐席已收到通知。",
            "The clerk's document could not be printed; the clerk has been told.",
        ),
        Notice::CallRated => (
            "感谢您的评价！",
            "Thank you for your rating!",
        ),
    };
    lang.pick(zh, en)
}

/// Devices a resident relies on; the others (lights, buzzer, sensors) fail quietly for them and loudly for
/// technicians.
fn resident_facing(class: DeviceClass) -> bool {
    matches!(
        class,
        DeviceClass::IdCardReader
            | DeviceClass::QrScanner
            | DeviceClass::ReceiptPrinter
            | DeviceClass::A4Printer
            | DeviceClass::DocumentCamera
            | DeviceClass::EvaluationPad
    )
}

/// One line for the resident naming what does not work now, or "" when everything does.
pub fn resident_alert<'a>(
    devices: impl IntoIterator<Item = &'a DeviceState>,
    lang: Language,
) -> String {
    let mut parts = Vec::new();
    for d in devices.into_iter().filter(|d| resident_facing(d.class)) {
        let name = lang.pick(d.class.name_zh(), d.class.name_en());
        let state = match (&d.health, d.paper) {
            (Health::Down { .. }, _) => Some(lang.pick("暂停服务", "out of service")),
            (_, PaperState::Out) => Some(lang.pick("缺纸", "out of paper")),
            _ => None,
        };
        if let Some(state) = state {
            parts.push(lang.pick(format!("{name}{state}"), format!("{name} {state}")));
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    lang.pick(
        format!("暂不可用：{}", parts.join("、")),
        format!("Not available now: {}", parts.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alert_names_only_what_residents_need() {
        let down = Health::Down { reason: "x".into() };
        let devices = [
            DeviceState {
                class: DeviceClass::ReceiptPrinter,
                health: Health::Simulated,
                paper: PaperState::Out,
                since: std::time::Instant::now(),
                last_error: None,
            },
            DeviceState {
                class: DeviceClass::IdCardReader,
                health: down.clone(),
                paper: PaperState::Ok,
                since: std::time::Instant::now(),
                last_error: None,
            },
            DeviceState {
                class: DeviceClass::Buzzer,
                health: down,
                paper: PaperState::Ok,
                since: std::time::Instant::now(),
                last_error: None,
            },
            DeviceState {
                class: DeviceClass::A4Printer,
                health: Health::Simulated,
                paper: PaperState::NearEnd,
                since: std::time::Instant::now(),
                last_error: None,
            },
        ];
        assert_eq!(
            resident_alert(&devices, Language::Zh),
            "暂不可用：回执打印机缺纸、身份证阅读器暂停服务"
        );
        assert_eq!(resident_alert(&devices[3..], Language::Zh), "");
    }
}
