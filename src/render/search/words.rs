//! Words: text read into Snowball stems, each weighed by where it stands.

use std::sync::Mutex;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use super::eight::{self, HIGHS, between};
use super::plain::Part;
use super::{MAX_WORD, MIN_WORD};
use crate::config::Language;
use crate::harvest::Item;

/// How much a word counts where it stands; an item's weight for a stem is the sum (its
/// term frequency over the fields, weighted), and its length the sum over all its words.
const TITLE: u32 = 8;
const HEADING_OR_TAG: u32 = 4;
const SUMMARY: u32 = 2;
const BODY: u32 = 1;

/// Dutch function words, after Snowball's Dutch stop list: not indexed, dropped from queries.
const STOPWORDS_NL: &[&str] = &[
    "aan", "al", "alles", "als", "altijd", "andere", "ben", "bij", "daar", "dan", "dat", "de",
    "der", "deze", "die", "dit", "doch", "doen", "door", "dus", "een", "eens", "en", "er", "ge",
    "geen", "geweest", "haar", "had", "heb", "hebben", "heeft", "hem", "het", "hier", "hij", "hoe",
    "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "kan", "kon", "kunnen", "maar", "me",
    "meer", "men", "met", "mij", "mijn", "moet", "na", "naar", "niet", "niets", "nog", "nu", "of",
    "om", "omdat", "onder", "ons", "ook", "op", "over", "reeds", "te", "tegen", "toch", "toen",
    "tot", "u", "uit", "uw", "van", "veel", "voor", "want", "waren", "was", "wat", "werd", "wezen",
    "wie", "wil", "worden", "wordt", "zal", "ze", "zelf", "zich", "zij", "zijn", "zo", "zonder",
    "zou",
];

/// English function words, after Snowball's English stop list.
#[rustfmt::skip]
const STOPWORDS_EN: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
    "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own",
    "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
    "yourself", "yourselves",
];

/// The stop words of a language, sorted.
pub fn stopwords(language: Language) -> &'static [&'static str] {
    match language {
        Language::Nl => STOPWORDS_NL,
        Language::En => STOPWORDS_EN,
    }
}

/// The Snowball stemmer of a language.
pub fn stemmer(language: Language) -> Stemmer {
    Stemmer::create(match language {
        Language::Nl => Algorithm::Dutch,
        Language::En => Algorithm::English,
    })
}

/// The stems of one item, by their numbers in [`Stems`], with its weight for each.
#[derive(Debug, Default)]
pub struct ItemTerms {
    pub(super) stems: Vec<u32>,
    pub(super) weights: Vec<u16>,
    /// The weighted number of indexed words, for the length normalisation of BM25.
    pub(super) length: u32,
}

/// Every stem met, numbered in the order met; shared by the tokenizers of all threads.
#[derive(Debug, Default)]
pub(super) struct Stems {
    pub(super) numbers: FxHashMap<Box<str>, u32>,
    pub(super) names: Vec<Box<str>>,
}

impl Stems {
    pub(super) fn number(&mut self, stem: &str) -> u32 {
        if let Some(&number) = self.numbers.get(stem) {
            return number;
        }
        let number = self.names.len() as u32;
        self.names.push(stem.into());
        self.numbers.insert(stem.into(), number);
        number
    }
}

/// Words met before, by their key (see [`Tokenizer`]), with the number of their stem: a map,
/// and in front of it a table of fixed size of the words met last, each in the slot a hash
/// of its key gives, where most words of a text are found. No word's key is 0 (its first
/// byte is not), so an empty slot is never taken for a word.
struct Known<K> {
    map: FxHashMap<K, u32>,
    recent: Box<[(K, u32)]>,
}

/// Slots in the table of a [`Known`], as a power of two.
const RECENT_BITS: u32 = 12;

impl<K: Copy + Default + Eq + std::hash::Hash> Known<K> {
    fn new() -> Self {
        Known {
            map: FxHashMap::default(),
            recent: vec![(K::default(), 0); 1 << RECENT_BITS].into_boxed_slice(),
        }
    }

    /// The number of the word with `key` (and `hash`, a hash of it), made by `make` when the
    /// word is new.
    fn number(&mut self, key: K, hash: u64, make: impl FnOnce() -> u32) -> u32 {
        let slot = (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - RECENT_BITS)) as usize;
        if let Some(&(was, number)) = self.recent.get(slot)
            && was == key
        {
            return number;
        }
        let number = *self.map.entry(key).or_insert_with(make);
        if let Some(entry) = self.recent.get_mut(slot) {
            *entry = (key, number);
        }
        number
    }
}

/// Marks a word that is not indexed (too short or long, a stop word).
const NOT_INDEXED: u32 = u32::MAX;

/// Turns items into stems, remembering the stem of every word it met.
pub(super) struct Tokenizer<'a> {
    stemmer: Stemmer,
    stopwords: &'static [&'static str],
    pub(super) stems: &'a Mutex<Stems>,
    /// Word as written → its stem's number, or [`NOT_INDEXED`]: words of up to 8 and 16
    /// bytes by their bytes as a number (padded with zeros, which no word holds), longer
    /// ones as text.
    short_words: Known<u64>,
    medium_words: Known<u128>,
    long_words: FxHashMap<Box<str>, u32>,
    /// Per stem number, its weight in the item being read; and the stems it has.
    pub(super) weights: Vec<u32>,
    touched: Vec<u32>,
    length: u32,
}

impl<'a> Tokenizer<'a> {
    pub(super) fn new(language: Language, stems: &'a Mutex<Stems>) -> Self {
        Tokenizer {
            stemmer: stemmer(language),
            stopwords: stopwords(language),
            stems,
            short_words: Known::new(),
            medium_words: Known::new(),
            long_words: FxHashMap::default(),
            weights: Vec::new(),
            touched: Vec::new(),
            length: 0,
        }
    }

    /// The stems of `item`, whose body is read into `body` (see [`super::plain::parts`]).
    pub(super) fn item_terms(&mut self, item: &Item, body: &[Part]) -> ItemTerms {
        self.add_text(&item.title, TITLE);
        for tag in &item.tags {
            self.add_text(tag, HEADING_OR_TAG);
        }
        for heading in &item.body.headings {
            self.add_text(&heading.title, HEADING_OR_TAG);
        }
        self.add_text(&item.summary, SUMMARY);
        for part in body {
            self.add_text(&part.heading, BODY);
            self.add_text(&part.text, BODY);
        }
        let weights = &mut self.weights;
        let terms = ItemTerms {
            weights: self
                .touched
                .iter()
                .map(|&n| std::mem::take(&mut weights[n as usize]).min(u32::from(u16::MAX)) as u16)
                .collect(),
            stems: self.touched.as_slice().into(),
            length: std::mem::take(&mut self.length),
        };
        self.touched.clear();
        terms
    }

    fn add_text(&mut self, text: &str, weight: u32) {
        let bytes = text.as_bytes();
        each_written_word(text, |word| {
            // A word's key from the 8 or 16 bytes where it starts, when the text has them.
            let start = word.as_ptr() as usize - bytes.as_ptr() as usize;
            let (short, medium) = (word.len() <= 8, word.len() <= 16);
            let number = match bytes.get(start..start + if short { 8 } else { 16 }) {
                Some(window) if short => {
                    let key = u64::from_le_bytes(window.try_into().unwrap_or_default());
                    self.known_short(key & (u64::MAX >> (64 - 8 * word.len())), word)
                }
                Some(window) if medium => {
                    let key = u128::from_le_bytes(window.try_into().unwrap_or_default());
                    self.known_medium(key & (u128::MAX >> (128 - 8 * word.len())), word)
                }
                _ => self.known(word),
            };
            if number == NOT_INDEXED {
                return;
            }
            let at = number as usize;
            if self.weights.len() <= at {
                self.weights.resize(at + 1, 0);
            }
            if self.weights[at] == 0 {
                self.touched.push(number);
            }
            self.weights[at] += weight;
            self.length += weight;
        });
    }

    /// The number of the stem of a word of up to 8 bytes, by its key (see `short_words`).
    fn known_short(&mut self, key: u64, written: &str) -> u32 {
        let (stemmer, stopwords, stems) = (&self.stemmer, self.stopwords, self.stems);
        (self.short_words).number(key, key, || stem_number(stemmer, stopwords, stems, written))
    }

    /// The number of the stem of a word of 9 to 16 bytes, by its key (see `short_words`).
    fn known_medium(&mut self, key: u128, written: &str) -> u32 {
        let (stemmer, stopwords, stems) = (&self.stemmer, self.stopwords, self.stems);
        let hash = (key as u64) ^ ((key >> 64) as u64);
        (self.medium_words).number(key, hash, || {
            stem_number(stemmer, stopwords, stems, written)
        })
    }

    /// The number of a written word's stem, from memory when the word was met before; its
    /// key made from the word alone (at the end of a text).
    fn known(&mut self, written: &str) -> u32 {
        let bytes = written.as_bytes();
        if bytes.len() <= 8 {
            let mut key = [0u8; 8];
            key[..bytes.len()].copy_from_slice(bytes);
            self.known_short(u64::from_le_bytes(key), written)
        } else if bytes.len() <= 16 {
            let mut key = [0u8; 16];
            key[..bytes.len()].copy_from_slice(bytes);
            self.known_medium(u128::from_le_bytes(key), written)
        } else {
            if let Some(&number) = self.long_words.get(written) {
                return number;
            }
            let number = self.number(written);
            self.long_words.insert(written.into(), number);
            number
        }
    }

    /// The number of a written word's stem.
    pub(super) fn number(&self, written: &str) -> u32 {
        stem_number(&self.stemmer, self.stopwords, self.stems, written)
    }
}

/// The number of the stem of a word as written, in `stems`; [`NOT_INDEXED`] for a word too
/// short or long, or a stop word.
fn stem_number(stemmer: &Stemmer, stopwords: &[&str], stems: &Mutex<Stems>, written: &str) -> u32 {
    let word = written.to_lowercase();
    let length = word.chars().count();
    if !(MIN_WORD..=MAX_WORD).contains(&length) || stopwords.binary_search(&word.as_str()).is_ok() {
        return NOT_INDEXED;
    }
    let stem = stemmer.stem(&word);
    stems
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .number(&stem)
}

/// How many ASCII letters and digits `bytes` starts with; eight at a time.
fn ascii_letters(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(x) = eight::at(bytes, i) {
        let letters = if x & HIGHS == 0 {
            between(x, b'0', b'9') | between(x, b'A', b'Z') | between(x, b'a', b'z')
        } else {
            0
        };
        let run = eight::first(!letters & HIGHS);
        i += run;
        if run < 8 {
            // A wide byte ends the fast part: look at it one byte at a time.
            if x & HIGHS == 0 {
                return i;
            }
            break;
        }
    }
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

/// Calls `word` with each word of `text` as it is written. A word is a run of letters and
/// digits (Unicode `Alphabetic` or `Numeric`), as `[\p{Alphabetic}\p{N}]+` in the search
/// script.
fn each_written_word(text: &str, mut word: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // A letter or digit outside ASCII at `i`: its length in bytes.
    let wide_letter = |i: usize| {
        let c = text[i..].chars().next().unwrap_or(' ');
        c.is_alphanumeric().then(|| c.len_utf8())
    };
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        let starts_word = b.is_ascii_alphanumeric() || (b >= 0x80 && wide_letter(i).is_some());
        if starts_word {
            let start = i;
            loop {
                i += ascii_letters(&bytes[i..]);
                match (i < n && bytes[i] >= 0x80)
                    .then(|| wide_letter(i))
                    .flatten()
                {
                    Some(length) => i += length,
                    None => break,
                }
            }
            word(&text[start..i]);
            continue;
        }
        i += match b {
            b if b >= 0x80 => text[i..].chars().next().map_or(1, char::len_utf8),
            _ => 1,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        each_written_word(text, |w| found.push(w.to_lowercase()));
        found
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(
            words("Thema’s: CoP-leden & de Omgevingswet (2024), coördinatie"),
            [
                "thema",
                "s",
                "cop",
                "leden",
                "de",
                "omgevingswet",
                "2024",
                "coördinatie"
            ]
        );
    }

    #[test]
    fn a_body_is_read_from_its_text_as_a_reader_sees_it() {
        let html = "<h2 id=\"a\">Kop</h2>\n<p>R&amp;D <em>nu</em>&nbsp;hier &c. caf&#233; <strong>Zorg</strong>en</p>";
        let body = super::super::plain::parts(html);
        let found: Vec<String> = (body.iter())
            .flat_map(|part| [&part.heading, &part.text])
            .flat_map(|text| words(text))
            .collect();
        assert_eq!(
            found,
            ["kop", "r", "d", "nu", "hier", "c", "café", "zorgen"]
        );
    }

    #[test]
    fn letters_are_counted_eight_at_a_time_and_one_at_a_time() {
        assert_eq!(ascii_letters(b"abcdefghij klm"), 10);
        assert_eq!(ascii_letters(b"Omgevingswet2024,"), 16);
        assert_eq!(ascii_letters(b"abc"), 3);
        assert_eq!(ascii_letters(b"co\xc3\xb6rdinatie"), 2);
        assert_eq!(ascii_letters(b"@[`{/:09AZaz"), 0);
        assert_eq!(ascii_letters(b"09AZaz\x7f"), 6);
    }

    #[test]
    fn a_word_is_one_stem_wherever_it_stands() {
        let stems = Mutex::default();
        let mut tokenizer = Tokenizer::new(Language::Nl, &stems);
        // Once with text after it (its key read from 8 or 16 bytes), once at the very end.
        tokenizer.add_text("kennis delen in kennisnetwerken", 1);
        tokenizer.add_text("over kennis", 1);
        tokenizer.add_text("kennisnetwerken over", 1);
        tokenizer.add_text("over kennisnetwerken", 1);
        let names = &stems.lock().unwrap().names;
        let weights: Vec<_> = tokenizer.touched[..]
            .iter()
            .map(|&n| (names[n as usize].to_string(), tokenizer.weights[n as usize]))
            .collect();
        assert_eq!(
            weights,
            [
                ("kennis".to_string(), 2),
                ("del".to_string(), 1),
                ("kennisnetwerk".to_string(), 3)
            ]
        );
    }

    #[test]
    fn stop_words_are_sorted_for_lookup() {
        for list in [STOPWORDS_NL, STOPWORDS_EN] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn dutch_words_meet_at_their_stem() {
        let stemmer = stemmer(Language::Nl);
        assert_eq!(stemmer.stem("aanbeveling"), stemmer.stem("aanbevelingen"));
        assert_eq!(stemmer.stem("ontwikkelen"), stemmer.stem("ontwikkeling"));
    }
}
