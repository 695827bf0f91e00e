//! What a document says, without layout: a title and sections. The two documents the terminal makes are built
//! here from plain inputs, so the session decides the words and this crate decides how they sit on paper.

/// A signature as drawn on the screen: RGBA pixels (transparent background).
#[derive(Clone)]
pub struct Signature {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({}×{})", self.width, self.height)
    }
}

#[derive(Debug, Clone)]
pub enum Section {
    Heading(String),
    /// Label and value rows in a ruled table.
    Rows(Vec<(String, String)>),
    Paragraph(String),
    /// A box with the signature (or an empty line to sign by hand) and the date.
    Signature {
        caption: String,
        image: Option<Signature>,
        date: String,
    },
}

#[derive(Debug, Clone)]
pub struct Sheet {
    /// Who issues it, on top of every page (e.g. the district's service centre).
    pub issuer: String,
    pub title: String,
    /// The reference number line under the title.
    pub subtitle: Option<String>,
    pub sections: Vec<Section>,
    /// At the foot of every page, before the page number.
    pub footer: String,
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub label: String,
    pub value: String,
}

/// What an application form holds.
#[derive(Debug, Clone)]
pub struct FormInput {
    pub issuer: String,
    /// The service item's name (事项名称).
    pub item: String,
    /// The application's reference number (申请编号).
    pub reference: String,
    /// When it was submitted, as the resident reads it.
    pub submitted: String,
    /// The terminal's name or site, for the footer.
    pub terminal: String,
    pub fields: Vec<FormField>,
    /// Materials handed in (names of the documents).
    pub materials: Vec<String>,
    /// The 告知承诺 text the resident agreed to, if the item uses it.
    pub commitment: Option<String>,
    pub signature: Option<Signature>,
}

pub fn application_form(f: &FormInput) -> Sheet {
    let mut sections = vec![
        Section::Heading("申请信息".into()),
        Section::Rows(
            std::iter::once(("事项名称".to_string(), f.item.clone()))
                .chain(f.fields.iter().map(|x| (x.label.clone(), x.value.clone())))
                .collect(),
        ),
    ];
    if !f.materials.is_empty() {
        sections.push(Section::Heading("提交材料".into()));
        sections.push(Section::Rows(
            f.materials
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("材料 {}", i + 1), m.clone()))
                .collect(),
        ));
    }
    if let Some(c) = &f.commitment {
        sections.push(Section::Heading("告知承诺".into()));
        sections.push(Section::Paragraph(c.clone()));
    }
    sections.push(Section::Signature {
        caption: "申请人签名".into(),
        image: f.signature.clone(),
        date: f.submitted.clone(),
    });
    Sheet {
        issuer: f.issuer.clone(),
        title: format!("{}申请表", f.item),
        subtitle: Some(format!(
            "申请编号：{}　　提交时间：{}",
            f.reference, f.submitted
        )),
        sections,
        footer: format!("本表由{}自助终端生成", f.terminal),
    }
}

/// What a printable receipt (受理回执) holds.
#[derive(Debug, Clone)]
pub struct ReceiptInput {
    pub issuer: String,
    pub item: String,
    pub reference: String,
    pub submitted: String,
    pub terminal: String,
    /// Further rows: time limit, how to follow up, where to collect.
    pub rows: Vec<(String, String)>,
    pub note: Option<String>,
}

pub fn receipt(r: &ReceiptInput) -> Sheet {
    let mut rows = vec![
        ("事项名称".to_string(), r.item.clone()),
        ("受理编号".to_string(), r.reference.clone()),
        ("提交时间".to_string(), r.submitted.clone()),
    ];
    rows.extend(r.rows.iter().cloned());
    let mut sections = vec![Section::Rows(rows)];
    if let Some(n) = &r.note {
        sections.push(Section::Paragraph(n.clone()));
    }
    Sheet {
        issuer: r.issuer.clone(),
        title: "受理回执".into(),
        subtitle: None,
        sections,
        footer: format!("本回执由{}自助终端打印", r.terminal),
    }
}
