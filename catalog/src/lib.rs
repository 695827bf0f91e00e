//! The catalogue of service items (事项) a terminal offers: each item's form, materials, commitment and time
//! limit, read from `data/catalog.toml` and checked as a whole; and the offline search residents use (names,
//! synonyms, full pinyin and pinyin initials, and Chinese questions segmented with jieba and ranked with BM25).

pub mod assistant;
mod bundle;
mod dictionary;
mod item;
pub mod knowledge;
mod load;
pub mod places;
mod search;
pub mod template;

pub use dictionary::{data_dir, dictionary, DictionaryError, DICTIONARY_FILE};
pub use item::{Condition, Field, FieldType, Identity, Item, Kind, Material, Part, Prefill};
pub use load::{Catalog, CatalogError, BUNDLED, CATEGORY_IDS};
pub use search::{Doc, Hit, Index, Match};
