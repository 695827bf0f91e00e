//! The service categories of the home screen and a few high-frequency items of each.
//!
//! The full catalogue of service items (事项), with forms and materials, arrives with the session issue and
//! lives in the store; this is the fixed top level residents see first.

use crate::model::Language;

pub struct Category {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub hint_zh: &'static str,
    pub hint_en: &'static str,
    /// Key of the icon in `IconPaths`.
    pub icon: &'static str,
    /// Extra words a resident may search with.
    pub keywords: &'static [&'static str],
    pub items: &'static [(&'static str, &'static str)],
}

impl Category {
    pub fn name(&self, lang: Language) -> &'static str {
        lang.pick(self.zh, self.en)
    }

    pub fn hint(&self, lang: Language) -> &'static str {
        lang.pick(self.hint_zh, self.hint_en)
    }

    /// Whether a search text finds this category: its names, hint, keywords or any item, either language,
    /// ignoring case and spaces.
    pub fn matches(&self, query: &str) -> bool {
        let q: String = query
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        if q.is_empty() {
            return true;
        }
        let hay = [self.zh, self.en, self.hint_zh, self.hint_en]
            .into_iter()
            .chain(self.keywords.iter().copied())
            .chain(self.items.iter().flat_map(|(zh, en)| [*zh, *en]));
        hay.map(|h| h.to_lowercase().replace(' ', ""))
            .any(|h| h.contains(&q))
    }
}

pub const CATEGORIES: [Category; 9] = [
    Category {
        id: "social-insurance",
        zh: "社保",
        en: "Social insurance",
        hint_zh: "缴费记录、养老金、参保登记",
        hint_en: "Payment records, pension, enrolment",
        icon: "social-insurance",
        keywords: &["社会保险", "养老", "sb", "shebao"],
        items: &[
            ("社保缴费记录打印", "Print social insurance payment record"),
            ("养老金资格认证", "Pension eligibility check"),
            ("城乡居民养老保险参保登记", "Residents' pension enrolment"),
            ("失业保险金申领", "Unemployment benefit claim"),
        ],
    },
    Category {
        id: "medical-insurance",
        zh: "医保",
        en: "Medical insurance",
        hint_zh: "医保卡、就医记录、异地备案",
        hint_en: "Medical card, records, cross-region filing",
        icon: "medical-insurance",
        keywords: &["医疗保险", "yb", "yibao"],
        items: &[
            ("医保缴费记录查询", "Medical insurance payment record"),
            ("异地就医备案", "Cross-region medical care filing"),
            ("医保卡挂失补办", "Report and replace medical card"),
        ],
    },
    Category {
        id: "housing-fund",
        zh: "公积金",
        en: "Housing fund",
        hint_zh: "缴存证明、提取、贷款查询",
        hint_en: "Deposit proof, withdrawal, loans",
        icon: "housing-fund",
        keywords: &["住房公积金", "gjj"],
        items: &[
            ("公积金缴存证明打印", "Print housing fund deposit proof"),
            ("公积金租房提取", "Withdraw for rent"),
            ("公积金贷款还款查询", "Housing fund loan repayments"),
        ],
    },
    Category {
        id: "tax",
        zh: "税务",
        en: "Tax",
        hint_zh: "纳税记录、完税证明",
        hint_en: "Tax records, tax payment proof",
        icon: "tax",
        keywords: &["个税", "所得税", "纳税"],
        items: &[
            (
                "个人所得税纳税记录打印",
                "Print individual income tax record",
            ),
            ("完税证明开具", "Tax payment certificate"),
        ],
    },
    Category {
        id: "household",
        zh: "户籍与居住证",
        en: "Residence and permits",
        hint_zh: "居住证、户籍证明",
        hint_en: "Residence permit, household proof",
        icon: "household",
        keywords: &["户口", "居住证", "hj"],
        items: &[
            ("居住证签注", "Residence permit renewal"),
            ("居住登记", "Residence registration"),
            ("户籍证明开具", "Household registration proof"),
        ],
    },
    Category {
        id: "elderly-care",
        zh: "民政与养老",
        en: "Civil affairs and elderly care",
        hint_zh: "敬老卡、老年综合津贴、长护险",
        hint_en: "Senior card, elderly allowance, long-term care",
        icon: "elderly-care",
        keywords: &["老人", "养老服务", "津贴"],
        items: &[
            ("敬老卡申领", "Apply for a senior citizen card"),
            ("老年综合津贴申请", "Elderly comprehensive allowance"),
            (
                "长期护理保险评估申请",
                "Long-term care insurance assessment",
            ),
        ],
    },
    Category {
        id: "disability",
        zh: "残联",
        en: "Disability services",
        hint_zh: "残疾人证、补贴申请",
        hint_en: "Disability card, subsidies",
        icon: "disability",
        keywords: &["残疾", "无障碍"],
        items: &[
            ("残疾人证换领", "Renew disability card"),
            (
                "重度残疾人护理补贴申请",
                "Care subsidy for severe disability",
            ),
        ],
    },
    Category {
        id: "business",
        zh: "企业服务",
        en: "Business services",
        hint_zh: "开店一件事、营业执照",
        hint_en: "Open a shop, business licence",
        icon: "business",
        keywords: &["开店", "执照", "个体"],
        items: &[
            ("开店一件事", "Opening a shop (one application)"),
            ("营业执照打印", "Print business licence"),
            ("个体工商户登记", "Register a sole proprietorship"),
        ],
    },
    Category {
        id: "certificate-print",
        zh: "证明打印",
        en: "Print certificates",
        hint_zh: "社保、纳税、不动产登记信息",
        hint_en: "Insurance, tax, property records",
        icon: "certificate-print",
        keywords: &["打印", "证明", "print", "dy"],
        items: &[
            ("社保缴费记录打印", "Social insurance payment record"),
            ("个人所得税纳税记录打印", "Income tax record"),
            ("不动产登记信息查询打印", "Property registration record"),
            ("营业执照打印", "Business licence"),
        ],
    },
];

pub fn find(id: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiles_are_the_catalogues_categories() {
        let tiles: Vec<&str> = CATEGORIES.iter().map(|c| c.id).collect();
        assert_eq!(tiles, kiosk_catalog::CATEGORY_IDS);
    }

    #[test]
    fn search_finds_by_name_item_and_english() {
        let hits = |q: &str| {
            CATEGORIES
                .iter()
                .filter(|c| c.matches(q))
                .map(|c| c.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(hits("公积金"), ["housing-fund"]);
        assert!(hits("缴费记录").contains(&"social-insurance"));
        assert!(hits("缴费记录").contains(&"certificate-print"));
        assert_eq!(hits("Housing Fund"), ["housing-fund"]);
        assert_eq!(hits("").len(), 9);
        assert!(hits("火星移民").is_empty());
    }
}
