//! The development data set a new hub starts with: residents in the real-name record, their electronic
//! certificates (social-insurance payment records, tax records, residence permits, business licences,
//! employment records) and 随申码 test tokens that resolve to them. Every person is invented; the first five are
//! the holders of the simulator's ID cards, so that a session with a simulated card is prefilled.

use crate::db::{Certificate, Resident};

/// The 随申码 token of the simulator's scanner (its code is `DEMO_CODE_PREFIX` + this).
pub const SIMULATOR_TOKEN: &str = "7Q2W9E4R1T";

/// How many residents the data set has.
pub const RESIDENTS: usize = 48;

/// A stable number from a string, for invented but repeatable values.
pub fn seed(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number.
pub fn check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
}

/// The simulator's card holders: name, sex, birth date, sequence digits, address (drivers/src/sim.rs).
const CARD_HOLDERS: [(&str, &str, &str, &str, &str); 5] = [
    (
        "张建国",
        "男",
        "1952-03-15",
        "031",
        "上海市杨浦区控江路1500弄12号302室",
    ),
    (
        "王秀英",
        "女",
        "1945-09-02",
        "024",
        "上海市杨浦区殷行路800弄5号101室",
    ),
    (
        "李娜",
        "女",
        "1988-06-21",
        "046",
        "上海市杨浦区国权路39号1204室",
    ),
    (
        "陈浩",
        "男",
        "1995-11-08",
        "013",
        "上海市杨浦区长阳路1687号3号楼601室",
    ),
    (
        "欧阳春晓",
        "女",
        "2001-01-30",
        "068",
        "上海市杨浦区政学路77号",
    ),
];

const SURNAMES: [&str; 16] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: [&str; 16] = [
    "秀英", "志明", "桂兰", "晓峰", "丽华", "建平", "海燕", "国强", "玉珍", "伟", "敏", "静", "磊",
    "婷婷", "春生", "美玲",
];
const STREETS: [&str; 8] = [
    "控江路",
    "长阳路",
    "殷行路",
    "国权路",
    "黄兴路",
    "五角场淞沪路",
    "平凉路",
    "延吉中路",
];
const EMPLOYERS: [&str; 6] = [
    "上海杨浦城市建设有限公司",
    "上海五角场商业发展有限公司",
    "复旦大学",
    "上海杨浦滨江投资开发有限公司",
    "上海长海医院",
    "上海新江湾城社区服务中心",
];

fn resident(name: &str, sex: &str, birth: &str, seq: &str, address: &str) -> Resident {
    let first17 = format!("310110{}{seq}", birth.replace('-', ""));
    holder(
        format!("{first17}{}", check_char(&first17)),
        name,
        sex,
        birth,
        address,
    )
}

fn holder(id_number: String, name: &str, sex: &str, birth: &str, address: &str) -> Resident {
    let s = seed(&id_number);
    Resident {
        phone: format!("139{:08}", s % 100_000_000),
        bank_account: format!(
            "6222 0210 {:04} {:04} {:03}",
            s % 10_000,
            (s / 10_000) % 10_000,
            (s / 100_000_000) % 1_000
        ),
        id_number,
        name: name.into(),
        sex: sex.into(),
        birth_date: birth.into(),
        address: address.into(),
    }
}

/// The simulator's other cards (drivers/src/sim.rs): a Hong Kong residence permit and a foreigner's permanent
/// residence card of each edition. Number, name as the card gives it, sex, birth date, registered address.
const OTHER_HOLDERS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "810000199004180515",
        "陈家明",
        "男",
        "1990-04-18",
        "上海市杨浦区大连路950号1801室",
    ),
    (
        "USA310085031214",
        "史密斯",
        "男",
        "1985-03-12",
        "上海市杨浦区国定路335号2号楼1502室",
    ),
    (
        "931724199207050427",
        "GARCIA LOPEZ, MARIA DE LOS ANGELES CRISTINA",
        "女",
        "1992-07-05",
        "上海市杨浦区政通路177号901室",
    ),
];

/// The residents: the simulator's card holders, then invented ones.
pub fn residents() -> Vec<Resident> {
    let mut out: Vec<Resident> = CARD_HOLDERS
        .iter()
        .map(|(n, s, b, q, a)| resident(n, s, b, q, a))
        .collect();
    out.extend(
        OTHER_HOLDERS
            .iter()
            .map(|(id, n, s, b, a)| holder(id.to_string(), n, s, b, a)),
    );
    for i in 0..RESIDENTS - CARD_HOLDERS.len() - OTHER_HOLDERS.len() {
        let s = seed(&format!("resident-{i}"));
        let name = format!(
            "{}{}",
            SURNAMES[(s % 16) as usize],
            GIVEN[((s >> 4) % 16) as usize]
        );
        let sex = if (s >> 8).is_multiple_of(2) {
            "女"
        } else {
            "男"
        };
        let birth = format!(
            "{:04}-{:02}-{:02}",
            1940 + (s >> 12) % 65,
            1 + (s >> 20) % 12,
            1 + (s >> 24) % 28
        );
        // The 17th digit is odd for men, even for women.
        let seq = format!("{:02}{}", 10 + i, if sex == "男" { 1 } else { 2 });
        let address = format!(
            "上海市杨浦区{}{}号{}室",
            STREETS[((s >> 32) % 8) as usize],
            1 + (s >> 36) % 1800,
            101 + (s >> 48) % 1200
        );
        out.push(resident(&name, sex, &birth, &seq, &address));
    }
    out
}

/// The certificates of the residents: a social-insurance record and a tax record each, an employment record
/// for those of working age, a residence permit for every third, a business licence for every fifth.
/// `today` dates what must be current: 陈浩's residence permit ends 40 days after it (the overview suggests its
/// 签注).
pub fn certificates(residents: &[Resident], today: chrono::NaiveDate) -> Vec<Certificate> {
    let mut out = Vec::new();
    for (i, r) in residents.iter().enumerate() {
        let s = seed(&r.id_number);
        let born: i64 = r.birth_date[..4].parse().unwrap_or(1970);
        let cert =
            |kind: &str, title: &str, issuer: &str, fields: Vec<(&str, String)>| Certificate {
                number: format!(
                    "{}{:010}",
                    kind_prefix(kind),
                    seed(&format!("{kind}{}", r.id_number)) % 10_000_000_000
                ),
                id_number: r.id_number.clone(),
                kind: kind.into(),
                title: title.into(),
                issuer: issuer.into(),
                fields: fields.into_iter().map(|(k, v)| (k.into(), v)).collect(),
                issued_on: format!("2026-{:02}-{:02}", 1 + s % 10, 1 + (s >> 4) % 28),
            };
        let employer = EMPLOYERS[(s % EMPLOYERS.len() as u64) as usize].to_string();
        out.push(cert(
            "social_insurance",
            "上海市社会保险参保缴费记录",
            "上海市社会保险事业管理中心",
            vec![
                ("name", r.name.clone()),
                ("employer", employer.clone()),
                ("base", format!("{}", 7_000 + s % 5_000)),
                (
                    "since",
                    format!("{}-{:02}", (born + 22).max(1995), 1 + (s >> 8) % 12),
                ),
                (
                    "status",
                    if born < 1966 {
                        "退休".into()
                    } else {
                        "正常参保".into()
                    },
                ),
            ],
        ));
        out.push(cert(
            "tax",
            "个人所得税纳税记录",
            "国家税务总局上海市杨浦区税务局",
            vec![
                ("name", r.name.clone()),
                ("year", "2025".into()),
                ("income", format!("{}", 60_000 + s % 240_000)),
                ("tax_paid", format!("{}", (s % 240_000) / 12)),
            ],
        ));
        if born >= 1961 {
            out.push(cert(
                "employment",
                "就业登记记录",
                "上海市杨浦区就业促进中心",
                vec![
                    ("name", r.name.clone()),
                    ("last_employer", employer),
                    (
                        "since",
                        format!("{}-{:02}-01", (born + 22).max(2000), 1 + (s >> 12) % 12),
                    ),
                ],
            ));
        }
        if i % 3 == 0 {
            out.push(cert(
                "residence_permit",
                "上海市居住证",
                "上海市公安局杨浦分局",
                vec![
                    ("name", r.name.clone()),
                    ("address", r.address.clone()),
                    (
                        "valid_until",
                        if i == 3 {
                            (today + chrono::Days::new(40)).to_string()
                        } else {
                            "2029-12-31".into()
                        },
                    ),
                ],
            ));
        }
        out.push(cert(
            "household",
            "居民户口簿",
            "上海市公安局杨浦分局",
            vec![
                ("name", r.name.clone()),
                ("address", r.address.clone()),
                ("head", r.name.clone()),
            ],
        ));
        out.extend(life_events(i, r, &cert));
        if i % 5 == 1 {
            out.push(cert(
                "business_licence",
                "营业执照",
                "上海市杨浦区市场监督管理局",
                vec![
                    ("name", format!("杨浦区{}便民服务部", r.name)),
                    ("credit_code", format!("92310110MA1G{:06}", s % 1_000_000)),
                    ("operator", r.name.clone()),
                    ("scope", "日用百货零售；家政服务".into()),
                ],
            ));
        }
    }
    out
}

/// Makes one of a resident's certificates: kind, title, issuer, fields.
type MakeCertificate<'a> = dyn Fn(&str, &str, &str, Vec<(&str, String)>) -> Certificate + 'a;

/// The certificates behind the 一件事 bundles, for the simulator's card holders: 李娜 has just had a baby (出生医学
/// 证明, 结婚证), 陈浩 is opening a café (名称自主申报, a registered lease of the shop, a health certificate),
/// 王秀英's husband has died (居民死亡医学证明, issued to her as next of kin).
fn life_events(i: usize, r: &Resident, cert: &MakeCertificate<'_>) -> Vec<Certificate> {
    let s = seed(&r.id_number);
    match i {
        2 => vec![
            cert(
                "birth_certificate",
                "出生医学证明",
                "上海市杨浦区卫生健康委员会（复旦大学附属妇产科医院）",
                vec![
                    ("baby_name", "周沐阳".into()),
                    ("baby_sex", "男".into()),
                    ("birth_date", "2026-11-18".into()),
                    ("mother", r.name.clone()),
                    ("father", "周明".into()),
                    ("hospital", "复旦大学附属妇产科医院".into()),
                ],
            ),
            cert(
                "marriage",
                "结婚证",
                "上海市杨浦区民政局婚姻登记处",
                vec![
                    ("name", r.name.clone()),
                    ("spouse", "周明".into()),
                    ("registered_on", "2021-05-20".into()),
                ],
            ),
        ],
        3 => vec![
            cert(
                "name_reservation",
                "个体工商户名称自主申报告知书",
                "上海市杨浦区市场监督管理局",
                vec![
                    ("name", "杨浦区浩然咖啡店".into()),
                    ("industry", "餐饮服务".into()),
                    ("operator", r.name.clone()),
                ],
            ),
            cert(
                "lease",
                "房屋租赁合同登记备案证明",
                "上海市杨浦区住房保障和房屋管理局",
                vec![
                    (
                        "address",
                        format!("上海市杨浦区大学路{}号底层", 100 + s % 200),
                    ),
                    ("tenant", r.name.clone()),
                    ("use", "商业".into()),
                    ("valid_until", "2029-10-31".into()),
                ],
            ),
            cert(
                "health_certificate",
                "食品从业人员健康证明",
                "上海市杨浦区疾病预防控制中心",
                vec![
                    ("name", r.name.clone()),
                    ("valid_until", "2027-09-30".into()),
                ],
            ),
        ],
        1 => vec![cert(
            "death_certificate",
            "居民死亡医学证明（推断）书",
            "上海市杨浦区卫生健康委员会（杨浦区中心医院）",
            vec![
                ("deceased_name", "刘福生".into()),
                ("deceased_id", "310110194403120410".into()),
                ("death_date", "2026-11-26".into()),
                ("informant", r.name.clone()),
            ],
        )],
        _ => Vec::new(),
    }
}

fn kind_prefix(kind: &str) -> &'static str {
    match kind {
        "social_insurance" => "SB",
        "tax" => "SW",
        "employment" => "JY",
        "residence_permit" => "JZ",
        "business_licence" => "YZ",
        "household" => "HK",
        "birth_certificate" => "CS",
        "marriage" => "JH",
        "name_reservation" => "MC",
        "lease" => "ZL",
        "health_certificate" => "JK",
        "death_certificate" => "SW",
        _ => "ZZ",
    }
}

/// How a certificate's field reads on its PDF.
pub fn field_label(key: &str) -> &str {
    match key {
        "name" => "姓名/名称",
        "employer" => "参保单位",
        "base" => "缴费基数（元）",
        "since" => "起始年月",
        "status" => "参保状态",
        "year" => "纳税年度",
        "income" => "收入额（元）",
        "tax_paid" => "已缴税额（元）",
        "last_employer" => "最近就业单位",
        "address" => "居住地址",
        "valid_until" => "有效期至",
        "credit_code" => "统一社会信用代码",
        "operator" => "经营者",
        "scope" => "经营范围",
        "head" => "户主",
        "baby_name" => "新生儿姓名",
        "baby_sex" => "性别",
        "birth_date" => "出生日期",
        "mother" => "母亲",
        "father" => "父亲",
        "hospital" => "接生机构",
        "spouse" => "配偶",
        "registered_on" => "登记日期",
        "industry" => "行业",
        "tenant" => "承租人",
        "use" => "用途",
        "deceased_name" => "逝者姓名",
        "deceased_id" => "逝者身份证号码",
        "death_date" => "死亡日期",
        "informant" => "申报人",
        other => other,
    }
}

/// 随申码 test tokens: the simulator's, and `DEMO` + two digits for each resident; valid for ten years from
/// `now_ms` (a real code lives for a minute; these are for people testing by hand).
pub fn tokens(residents: &[Resident], now_ms: i64) -> Vec<(String, String, i64)> {
    let until = now_ms + 10 * 365 * 24 * 3600 * 1000;
    let mut out = Vec::new();
    if let Some(first) = residents.first() {
        out.push((SIMULATOR_TOKEN.to_string(), first.id_number.clone(), until));
    }
    out.extend(
        residents
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("DEMO{i:02}"), r.id_number.clone(), until)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_set_has_valid_distinct_people_with_certificates() {
        let rs = residents();
        assert_eq!(rs.len(), RESIDENTS);
        let mut ids: Vec<&str> = rs.iter().map(|r| r.id_number.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RESIDENTS, "ID numbers are distinct");
        // The 2017 foreigners' card has a 15-character number with its own check (drivers' tests).
        for r in rs.iter().filter(|r| !r.id_number.starts_with("USA")) {
            assert_eq!(r.id_number.len(), 18);
            assert_eq!(
                r.id_number.chars().last(),
                Some(check_char(&r.id_number[..17]))
            );
        }
        // The simulator's first card: 张建国, 1952-03-15, sequence 031.
        assert_eq!(rs[0].id_number, "310110195203150310");
        let certs = certificates(&rs, chrono::Local::now().date_naive());
        for kind in [
            "social_insurance",
            "tax",
            "employment",
            "residence_permit",
            "business_licence",
        ] {
            assert!(certs.iter().any(|c| c.kind == kind), "{kind}");
        }
        let mut numbers: Vec<&str> = certs.iter().map(|c| c.number.as_str()).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(
            numbers.len(),
            certs.len(),
            "certificate numbers are distinct"
        );
    }
}
