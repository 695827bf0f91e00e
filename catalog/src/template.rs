//! Formatted materials the terminal writes for the resident (辅助生成格式文本): a tenancy statement, an
//! application letter, a 承诺书 — a text in the catalogue with `{field}` where the form's value goes.
//!
//! Written by hand: the only syntax is `{id}` (an id as the form's fields have them), and the catalogue check
//! must name the unknown id; a template engine (tera, handlebars) would bring loops, filters and escaping that
//! a legal text must not have.

use std::fmt;

/// What is wrong with a template's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{` with no `}` after it, or a `}` with no `{`.
    Unbalanced,
    /// `{}` or an id with characters a field id does not have.
    BadName(String),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unbalanced => f.write_str("a `{` or `}` without its pair"),
            TemplateError::BadName(n) => write!(f, "`{{{n}}}` is not a field id"),
        }
    }
}

enum Piece<'a> {
    Text(&'a str),
    Field(&'a str),
}

fn pieces(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(TemplateError::Unbalanced);
        }
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or(TemplateError::Unbalanced)?;
        let name = &rest[open + 1..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(TemplateError::BadName(name.to_string()));
        }
        out.push(Piece::Text(&rest[..open]));
        out.push(Piece::Field(name));
        rest = &rest[close + 1..];
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// The field ids a template names, in order (with repeats).
pub fn placeholders(template: &str) -> Result<Vec<&str>, TemplateError> {
    Ok(pieces(template)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Field(n) => Some(n),
            Piece::Text(_) => None,
        })
        .collect())
}

/// The template with each `{id}` replaced by `value(id)`; a value not there yet is a blank line to fill
/// ("＿＿＿＿"), so the text never reads as if it said something it does not.
pub fn fill<'v>(template: &str, value: impl Fn(&str) -> Option<&'v str>) -> String {
    let Ok(pieces) = pieces(template) else {
        // The catalogue check refuses such a template; shown as it is rather than not at all.
        return template.to_string();
    };
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_string(),
            Piece::Field(n) => match value(n).map(str::trim) {
                Some(v) if !v.is_empty() => v.to_string(),
                _ => "＿＿＿＿".to_string(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_put_in_and_a_missing_one_is_a_blank() {
        let t = "本人{name}，住{address}，现{name}承诺。";
        assert_eq!(placeholders(t), Ok(vec!["name", "address", "name"]));
        let v = |id: &str| (id == "name").then_some("张三");
        assert_eq!(fill(t, v), "本人张三，住＿＿＿＿，现张三承诺。");
    }

    #[test]
    fn a_broken_template_is_named() {
        assert_eq!(placeholders("本人{name"), Err(TemplateError::Unbalanced));
        assert_eq!(placeholders("本人name}"), Err(TemplateError::Unbalanced));
        assert_eq!(
            placeholders("本人{姓名}"),
            Err(TemplateError::BadName("姓名".into()))
        );
        assert_eq!(
            placeholders("{}"),
            Err(TemplateError::BadName(String::new()))
        );
        assert_eq!(placeholders("无字段"), Ok(vec![]));
    }
}
