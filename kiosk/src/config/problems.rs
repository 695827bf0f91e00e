//! Problems found in a configuration or profile file, each with the file, line and column, the key, what is
//! wrong and what to do, and the machinery that finds all of them in one pass rather than stopping at the first.

use serde::de::{DeserializeOwned, IntoDeserializer};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub key: String,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n    hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Collects the problems of one file.
pub struct Problems<'a> {
    pub file: &'a Path,
    pub source: &'a str,
    pub list: Vec<Problem>,
}

impl<'a> Problems<'a> {
    pub fn new(file: &'a Path, source: &'a str) -> Self {
        Self {
            file,
            source,
            list: Vec::new(),
        }
    }

    pub fn add(
        &mut self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let (line, column) = span
            .map(|s| line_col(self.source, s.start))
            .unwrap_or((0, 0));
        self.list.push(Problem {
            file: self.file.to_path_buf(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
            hint: hint.into(),
        });
    }

    /// Parses the TOML document, recording every syntax error; what could be parsed is returned.
    pub fn parse(&mut self) -> Spanned<DeTable<'a>> {
        let (table, errors) = DeTable::parse_recoverable(self.source);
        for e in errors {
            self.add(
                e.span(),
                "",
                first_line(e.message()),
                "fix the TOML syntax at this place",
            );
        }
        table
    }

    /// Deserializes `value` into `T`, recording every problem it has, not only the first: after an error
    /// the offending key is taken out and the rest is tried again. What is left, with defaults where keys
    /// were taken out, is returned, so a terminal can start with whatever works; `None` when nothing fits.
    pub fn deserialize<T: DeserializeOwned>(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'a>>,
        hint: &str,
    ) -> Option<T> {
        let mut value = value.clone();
        let mut failed = false;
        // Bounded: each round removes one key, and a table has finitely many.
        for _ in 0..64 {
            match T::deserialize(value.clone().into_deserializer()) {
                Ok(t) => return Some(t),
                Err(e) => {
                    let message = first_line(e.message());
                    // A "missing field" after we removed a bad key is an echo of the first problem.
                    if failed && message.starts_with("missing field") {
                        return None;
                    }
                    failed = true;
                    let span = e.span();
                    let Some(span) = span else {
                        self.add(Some(value.span()), key, message, hint);
                        return None;
                    };
                    let DeValue::Table(table) = value.get_mut() else {
                        self.add(Some(span), key, message, hint);
                        return None;
                    };
                    let culprit = table
                        .iter()
                        .find(|(k, v)| overlaps(&k.span(), &span) || overlaps(&v.span(), &span))
                        .map(|(k, _)| k.clone());
                    match culprit {
                        Some(k) => {
                            let name = format!("{key}.{}", k.get_ref());
                            self.add(Some(span), &name, message, hint);
                            table.remove(&k);
                        }
                        None => {
                            self.add(Some(span), key, message, hint);
                            return None;
                        }
                    }
                }
            }
        }
        None
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start <= b.start && b.start < a.end.max(a.start + 1)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// A number that must lie in a range; the message names the range, so the person editing knows what fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bounded<const MIN: u32, const MAX: u32>(pub u32);

impl<'de, const MIN: u32, const MAX: u32> serde::Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        if v < MIN as i64 || v > MAX as i64 {
            return Err(serde::de::Error::custom(format!(
                "{v} is out of range: use a whole number from {MIN} to {MAX}"
            )));
        }
        Ok(Self(v as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        let s = "a = 1\nbb = 2\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 6), (2, 1));
        assert_eq!(line_col(s, 11), (2, 6));
        assert_eq!(line_col(s, 999), (3, 1));
    }
}
