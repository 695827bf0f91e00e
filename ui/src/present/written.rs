//! What the resident signs: the item's commitment and every text the terminal wrote for them from the form
//! (辅助生成格式文本), each under its name, in Chinese as it is filed.

use kiosk_core::application::Application;
use kiosk_core::Language;

/// The signing step's text: the commitment, then each written text under its name.
pub fn signed_text(a: &Application, lang: Language) -> String {
    let mut text = a.item.commitment.clone().unwrap_or_default();
    let written = a.written();
    if written.is_empty() {
        return text;
    }
    text.push_str(&lang.pick(
        "\n\n以下材料已按您填写的内容写好，签名即确认：".to_string(),
        "\n\nWritten for you from your form (in Chinese, as it is filed); your signature confirms them:"
            .to_string(),
    ));
    for w in written {
        text.push_str(&format!("\n\n〔{}〕\n{}", w.name, w.text.expose()));
    }
    text
}

/// The names of the written texts, for what the signing step says aloud (the texts themselves hold
/// personal data: they are spoken privately).
pub fn names(a: &Application) -> Vec<String> {
    a.written().into_iter().map(|w| w.name).collect()
}
