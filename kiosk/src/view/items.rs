//! `kiosk catalog list|search`: the catalogue of service items as the terminal loads it, for the people who
//! keep the catalogue file (`data/catalog.toml`, or another with `--file`).

use kiosk_catalog::{Catalog, Index, Item};
use serde_json::json;
use std::path::Path;

/// The shipped catalogue, or the one in `file`; every problem listed when it is not valid.
pub fn load(file: Option<&Path>) -> Result<Catalog, String> {
    let result = match file {
        None => Catalog::bundled(),
        Some(f) => {
            let src = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            Catalog::from_toml(&src, &kiosk_catalog::CATEGORY_IDS)
        }
    };
    result.map_err(|errors| {
        let name = file
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "data/catalog.toml".into());
        errors
            .iter()
            .map(|e| format!("{name}: {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn line(i: &Item) -> String {
    let held = i
        .materials
        .iter()
        .filter(|m| m.held || m.certificate.is_some())
        .count();
    let mut out = format!(
        "{:<8} {:<18} {:<18} {:<8} {:<10} {:>2} fields ({} prefilled), {} materials ({} held){}{}",
        i.code,
        i.name,
        i.category,
        format!("{:?}", i.kind).to_lowercase(),
        i.time_limit,
        i.fields.len(),
        i.prefilled_fields().count(),
        i.materials.len(),
        held,
        if i.commitment.is_some() {
            ", 告知承诺"
        } else {
            ""
        },
        if i.elder { ", elder" } else { "" },
    );
    // A bundle: its departments' items under it, with the condition that files each.
    for p in &i.parts {
        out.push_str(&format!(
            "\n    └ {:<8} {} ({}, {}){}",
            p.code,
            p.name,
            p.department,
            p.time_limit,
            p.when
                .as_ref()
                .map(|c| format!(" only if {} = {}", c.field, c.value))
                .unwrap_or_default()
        ));
    }
    out
}

pub fn list(file: Option<&Path>, json: bool) -> Result<String, String> {
    let c = load(file)?;
    if json {
        return serde_json::to_string_pretty(&c.items).map_err(|e| e.to_string());
    }
    let mut out: Vec<String> = c.items.iter().map(line).collect();
    let bundles = c.items.iter().filter(|i| i.is_bundle()).count();
    out.push(format!(
        "{} items, of which {bundles} 一件事 bundles",
        c.items.len()
    ));
    Ok(out.join("\n"))
}

pub fn search(
    file: Option<&Path>,
    query: &str,
    limit: usize,
    json: bool,
) -> Result<String, String> {
    let c = load(file)?;
    let hits = Index::new(&c).search(query, limit);
    if json {
        return serde_json::to_string_pretty(&json!({ "query": query, "hits": hits }))
            .map_err(|e| e.to_string());
    }
    if hits.is_empty() {
        return Ok(format!("nothing found for {query:?}"));
    }
    Ok(hits
        .iter()
        .enumerate()
        .map(|(n, h)| {
            format!(
                "{:>2}. {:<8} {:<20} {:>6.1}  {:?}",
                n + 1,
                h.code,
                h.name,
                h.score,
                h.matched
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}
