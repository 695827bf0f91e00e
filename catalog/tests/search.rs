//! Search over the shipped catalogue: a table of what residents type and the item that must come first.

use kiosk_catalog::{Catalog, Index, Match, CATEGORY_IDS};

fn index() -> (Catalog, Index) {
    let catalog = Catalog::bundled().expect("the shipped catalogue is valid");
    let index = Index::new(&catalog);
    (catalog, index)
}

#[test]
fn the_shipped_catalogue_is_complete_enough() {
    let (catalog, _) = index();
    assert!(catalog.items.len() >= 30, "{} items", catalog.items.len());
    for c in CATEGORY_IDS {
        assert!(
            catalog.items.iter().any(|i| i.category == c),
            "no item in {c}"
        );
    }
    // Items the district names.
    for name in [
        "养老金资格认证",
        "敬老卡申领",
        "老年综合津贴申请",
        "开店一件事",
        "社保缴费记录打印",
        "个人所得税纳税记录打印",
        "不动产登记信息查询打印",
        "营业执照打印",
    ] {
        assert!(
            catalog.items.iter().any(|i| i.name == name),
            "{name} missing"
        );
    }
    // "两个免于提交": some materials are held by the government and never asked for.
    assert!(catalog
        .items
        .iter()
        .any(|i| i.materials.iter().any(|m| m.held)));
    assert!(catalog.items.iter().any(|i| i.commitment.is_some()));
}

#[test]
fn what_residents_type_finds_the_right_item_first() {
    let (_, index) = index();
    let table = [
        ("sbjf", "SB-001"),
        ("SBJF", "SB-001"),
        ("社保缴费", "SB-001"),
        ("社保缴费记录打印", "SB-001"),
        ("我想打印社保缴费记录", "SB-001"),
        ("养老金认证", "SB-002"),
        ("ylj", "SB-002"),
        ("敬老卡", "MZ-001"),
        ("jlk", "MZ-001"),
        ("老年津贴怎么申请", "MZ-002"),
        ("低保", "MZ-005"),
        ("开店", "YJS-KD"),
        ("kaidian", "YJS-KD"),
        ("我想开个咖啡店", "YJS-KD"),
        ("宝宝出生", "YJS-CS"),
        ("新生儿落户", "YJS-CS"),
        ("办退休", "YJS-TX"),
        ("家里老人去世了", "YJS-SH"),
        ("丧葬费", "YJS-SH"),
        ("灵活就业", "YJS-JY"),
        ("异地看病", "YB-002"),
        ("长护险", "YB-004"),
        ("房产证明", "ZM-001"),
        ("个税证明", "SW-001"),
        ("居住证", "HJ-001"),
        ("营业执照", "QY-002"),
        ("shebaoka", "SB-005"),
        ("残疾证", "CL-001"),
        ("轮椅", "CL-003"),
        ("公积金租房", "GJJ-002"),
        ("无犯罪", "ZM-002"),
        // Asked in English: the English names are indexed, their words matched by stem.
        ("print my social insurance record", "SB-001"),
        ("a baby is born", "YJS-CS"),
        ("renew residence permit", "HJ-001"),
        ("lost my social security card", "SB-005"),
    ];
    let mut wrong = Vec::new();
    for (query, first) in table {
        let hits = index.search(query, 5);
        if hits.first().map(|h| h.code.as_str()) != Some(first) {
            wrong.push(format!(
                "{query:?}: wanted {first}, got {:?}",
                hits.iter()
                    .map(|h| (h.code.as_str(), h.score as i32, h.matched))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_item_is_found_by_its_name_and_near_the_top_by_its_initials() {
    let (catalog, index) = index();
    for item in &catalog.items {
        let hits = index.search(&item.name, 3);
        assert_eq!(hits[0].code, item.code, "{}", item.name);
        assert_eq!(hits[0].matched, Match::Name);
        let initials: String = item
            .name
            .chars()
            .filter_map(|c| {
                use pinyin_free::first_letter;
                first_letter(c)
            })
            .collect();
        let hits = index.search(&initials, 3);
        assert!(
            hits.iter().any(|h| h.code == item.code),
            "{} by {initials}: {hits:?}",
            item.name
        );
    }
}

#[test]
fn nothing_matches_nonsense_and_empty_queries_find_nothing() {
    let (_, index) = index();
    assert!(index.search("火星移民", 5).is_empty());
    assert!(index.search("   ", 5).is_empty());
    assert!(index.search("qqqqxz", 5).is_empty());
}

/// Initials without the crate under test's own code, so the test cannot agree with a bug in it: a small table
/// of the characters of the catalogue's names would do, but the pinyin crate is the well-kept source here too;
/// it is called directly.
mod pinyin_free {
    pub fn first_letter(c: char) -> Option<char> {
        use pinyin::ToPinyin;
        match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        }
    }
}

/// The labelled questions of the 杨小通 bench (benches/questions*.tsv) stay valid as the catalogue changes:
/// three columns, every expected code an item or bundle of the shipped catalogue, at least 300 to tune on.
#[test]
fn the_benchs_labelled_questions_name_items_of_the_catalogue() {
    let (catalog, _) = index();
    for (file, text, least) in [
        (
            "questions.tsv",
            include_str!("../benches/questions.tsv"),
            300,
        ),
        (
            "questions-heldout.tsv",
            include_str!("../benches/questions-heldout.tsv"),
            60,
        ),
        (
            "questions-heldout-2.tsv",
            include_str!("../benches/questions-heldout-2.tsv"),
            60,
        ),
        (
            "questions-heldout-3.tsv",
            include_str!("../benches/questions-heldout-3.tsv"),
            60,
        ),
    ] {
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        assert!(rows.len() >= least, "{file}: {} questions", rows.len());
        for row in rows {
            let cols: Vec<&str> = row.split('\t').collect();
            assert_eq!(cols.len(), 3, "{file}: {row:?}");
            for code in cols[1].split('|') {
                assert!(catalog.get(code).is_some(), "{file}: {code} in {row:?}");
            }
        }
    }
}
