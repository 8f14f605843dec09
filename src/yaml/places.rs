//! Where keys and values are written, from the parser's spans: for errors found after
//! parsing (a relation that resolves to nothing, a slug without letters).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::{options, position};
use crate::diagnostics::Position;

/// The place of every top-level key of a text and of the values written under it (the
/// items of a list one by one), for errors found after parsing.
struct Places(Vec<Place>);

struct Place {
    key: String,
    at: Position,
    /// Each value written under the key, as text, with its place.
    values: Vec<(String, Position)>,
}

/// A value under a top-level key: its scalars with their places.
struct Written(Vec<(String, Position)>);

impl<'de> de::Deserialize<'de> for Places {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PlacesVisitor;
        impl<'de> Visitor<'de> for PlacesVisitor {
            type Value = Places;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Places, A::Error> {
                let mut places = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let Written(values) = map.next_value()?;
                    places.push(Place {
                        key: key.value,
                        at: position(&key.referenced),
                        values,
                    });
                }
                Ok(Places(places))
            }
        }
        d.deserialize_map(PlacesVisitor)
    }
}

impl<'de> de::Deserialize<'de> for Written {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Spanned::<Items>::deserialize(d)?;
        Ok(Written(match value.value {
            Items::Scalar(text) => vec![(text, position(&value.referenced))],
            Items::List(items) => items,
            Items::Other => Vec::new(),
        }))
    }
}

/// A value read for its scalars: one, the items of a list or keys of a mapping, or none.
enum Items {
    Scalar(String),
    List(Vec<(String, Position)>),
    Other,
}

impl<'de> de::Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<serde_json::Value>>()? {
                    if !item.value.is_array() && !item.value.is_object() {
                        items.push((scalar_text(&item.value), position(&item.referenced)));
                    }
                }
                Ok(Items::List(items))
            }

            // The keys of a mapping are what is written under its key (`sections: {themes: x}`).
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Items, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push((key.value, position(&key.referenced)));
                }
                Ok(Items::List(keys))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Items, E> {
                Ok(Items::Scalar(s.to_string()))
            }

            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Items, E> {
                Ok(Items::Scalar(b.to_string()))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Items, E> {
                Ok(Items::Scalar(n.to_string()))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Items, E> {
                Ok(Items::Scalar(n.to_string()))
            }

            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Items, E> {
                Ok(Items::Scalar(x.to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Other)
            }

            fn visit_none<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Other)
            }
        }
        d.deserialize_any(ItemsVisitor)
    }
}

fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The places of the keys and values of `text`, when it parses.
fn places(text: &str) -> Option<Vec<Place>> {
    serde_saphyr::from_str_with_options::<Places>(text, options())
        .ok()
        .map(|Places(places)| places)
}

/// Where a top-level `key:` is written in `text` (line 1 column 1 if it is not there).
pub fn key_position(text: &str, key: &str) -> Position {
    find_key(text, key).unwrap_or(Position::new(1, 1))
}

/// Where a top-level `key:` is written in `text`, if it is.
pub fn find_key(text: &str, key: &str) -> Option<Position> {
    places(text)
        .and_then(|places| places.into_iter().find(|p| p.key == key))
        .map(|place| place.at)
}

/// Where `value` is written under the top-level `key` (as its value, an item of its list or
/// a key of its mapping); else where the key is.
pub fn value_position(text: &str, key: &str, value: &str) -> Position {
    let Some(place) = places(text).and_then(|places| places.into_iter().find(|p| p.key == key))
    else {
        return Position::new(1, 1);
    };
    place
        .values
        .iter()
        .find(|(written, _)| written == value)
        .map_or(place.at, |(_, at)| *at)
}
