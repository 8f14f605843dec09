//! The three harvest sections, by the folders under `content/` that hold them.

/// The three harvest sections; their source folders are always these English names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Themes,
    Conclusions,
    Recommendations,
}

impl Section {
    /// Every section, in reading order.
    pub const ALL: [Section; 3] = [
        Section::Themes,
        Section::Conclusions,
        Section::Recommendations,
    ];

    /// The folder under `content/` that holds this section.
    pub fn folder(self) -> &'static str {
        match self {
            Section::Themes => "themes",
            Section::Conclusions => "conclusions",
            Section::Recommendations => "recommendations",
        }
    }

    /// The section whose folder is `folder`, if it is one.
    pub fn from_folder(folder: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.folder() == folder)
    }

    /// Its place in [`Section::ALL`], for tables with one entry per section.
    pub fn index(self) -> usize {
        self as usize
    }
}
