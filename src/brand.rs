//! `brand:` in `site.yaml`: the organisation's accent colour, logo and font, as the default
//! theme applies them. An accent is checked against every background it is used on, as
//! WCAG 2.2 AA asks of text (the accent colours links), in light and in dark mode; dark
//! mode takes a shade of the same hue that passes there unless `accent_dark` is given.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::colour::{Colour, TEXT_CONTRAST};
use crate::diagnostics::Hint;

/// The backgrounds of the default theme in light mode on which the accent is text (links)
/// or a part of the interface: the page, the tinted header and cards, marked search words.
/// The values of `--bg`, `--tint` and `--mark` in its `style.css`.
pub const LIGHT_BACKGROUNDS: [Colour; 3] = [
    Colour::new(0xff, 0xff, 0xff),
    Colour::new(0xf3, 0xf6, 0xf2),
    Colour::new(0xfd, 0xe6, 0x8a),
];

/// The same in dark mode.
pub const DARK_BACKGROUNDS: [Colour; 3] = [
    Colour::new(0x14, 0x1a, 0x17),
    Colour::new(0x1d, 0x26, 0x21),
    Colour::new(0x4d, 0x42, 0x0e),
];

/// What each of the backgrounds above is, for messages.
const BACKGROUND_NAMES: [&str; 3] = ["the page", "the header and cards", "marked search words"];

/// The keys of `brand:`, as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The accent colour (`#154273`): links, the header's rule, buttons.
    #[serde(default)]
    pub accent: Option<String>,
    /// The accent in dark mode; derived from `accent` when not given.
    #[serde(default)]
    pub accent_dark: Option<String>,
    /// The logo, a file path from the site root, shown in the header.
    #[serde(default)]
    pub logo: Option<String>,
    /// The logo's text alternative; the site's title when not given.
    #[serde(default)]
    pub logo_alt: Option<String>,
    /// A CSS font stack for the text: `"Noto Sans", Arial, sans-serif`.
    #[serde(default)]
    pub font: Option<String>,
    /// The accents as checked, set by [`Brand::check`].
    #[serde(skip)]
    pub palette: Option<Palette>,
}

/// The accent in light and in dark mode, each passing on its backgrounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub light: Colour,
    pub dark: Colour,
}

/// Which of the two modes a colour is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Light,
    Dark,
}

impl Mode {
    fn backgrounds(self) -> &'static [Colour] {
        match self {
            Mode::Light => &LIGHT_BACKGROUNDS,
            Mode::Dark => &DARK_BACKGROUNDS,
        }
    }
}

#[derive(Debug, Error)]
pub enum BrandError {
    #[error("`{value}` is not a colour")]
    NotAColour { value: String },
    #[error(
        "the colour {colour} has a contrast of {ratio:.2}:1 against {} ({background}) in {} mode; links and text need {TEXT_CONTRAST}:1 (WCAG 2.2 AA)",
        BACKGROUND_NAMES[*which],
        match mode { Mode::Light => "light", Mode::Dark => "dark" }
    )]
    TooLittleContrast {
        colour: Colour,
        mode: Mode,
        background: Colour,
        /// Which of the mode's backgrounds it is.
        which: usize,
        ratio: f64,
        nearest: Option<Colour>,
    },
    #[error("the font stack `{0}` holds `;`, `{{`, `}}`, `<` or `>`")]
    BadFont(String),
    #[error("`accent_dark` is given without `accent`")]
    DarkWithoutLight,
    #[error("no colour is given")]
    Empty,
}

impl Hint for BrandError {
    fn hint(&self) -> Option<String> {
        match self {
            BrandError::NotAColour { .. } => {
                Some("write a colour as `#rrggbb` or `#rgb`, e.g. `#154273`".into())
            }
            BrandError::TooLittleContrast {
                nearest: Some(nearest),
                mode,
                ..
            } => Some(format!(
                "the nearest colour of the same hue that passes is `{nearest}` ({:.2}:1); use it, or another colour of your organisation's palette that passes",
                nearest.worst_contrast(mode.backgrounds())
            )),
            BrandError::TooLittleContrast { nearest: None, .. } => {
                Some("no colour of this hue passes: choose another".into())
            }
            BrandError::BadFont(_) => Some(
                "write the font names separated by commas, e.g. `\"Noto Sans\", Arial, sans-serif`"
                    .into(),
            ),
            BrandError::DarkWithoutLight => Some("add `accent:`, the colour for light mode".into()),
            BrandError::Empty => Some(
                "in YAML, `#` starts a comment: quote the colour, `accent: \"#154273\"`".into(),
            ),
        }
    }
}

impl Brand {
    /// Checks the colours and the font; sets [`Brand::palette`] when the colours pass.
    /// Every problem with the key it is written at (`accent`, `accent_dark`, `font`).
    pub fn check(&mut self) -> Vec<(&'static str, BrandError)> {
        let mut errors = Vec::new();
        let mut colour = |key: &'static str, text: &Option<String>, mode: Mode| {
            let text = text.as_deref()?;
            let Some(colour) = Colour::parse(text) else {
                let value = text.to_string();
                errors.push((key, BrandError::NotAColour { value }));
                return None;
            };
            match passes(colour, mode) {
                Ok(()) => Some(colour),
                Err(e) => {
                    errors.push((key, e));
                    None
                }
            }
        };
        let light = colour("accent", &self.accent, Mode::Light);
        let dark = colour("accent_dark", &self.accent_dark, Mode::Dark);
        if let Some(font) = &self.font
            && font.contains(|c: char| matches!(c, ';' | '{' | '}' | '<' | '>') || c.is_control())
        {
            errors.push(("font", BrandError::BadFont(font.clone())));
        }
        if self.accent.is_none() && self.accent_dark.is_some() {
            errors.push(("accent_dark", BrandError::DarkWithoutLight));
        }
        self.palette = match (light, dark) {
            _ if !errors.is_empty() => None,
            (Some(light), Some(dark)) => Some(Palette { light, dark }),
            (Some(light), None) => light
                .nearest_passing(Mode::Dark.backgrounds(), TEXT_CONTRAST)
                .map(|dark| Palette { light, dark }),
            _ => None,
        };
        errors
    }
}

/// Whether `colour` has the contrast text needs against every background of `mode`.
fn passes(colour: Colour, mode: Mode) -> Result<(), BrandError> {
    let backgrounds = mode.backgrounds();
    let (which, ratio) = (backgrounds.iter().map(|&bg| colour.contrast(bg)))
        .enumerate()
        .fold((0, f64::INFINITY), |worst, next| {
            if next.1 < worst.1 { next } else { worst }
        });
    if ratio >= TEXT_CONTRAST {
        return Ok(());
    }
    Err(BrandError::TooLittleContrast {
        colour,
        mode,
        background: backgrounds[which],
        which,
        ratio,
        nearest: colour.nearest_passing(backgrounds, TEXT_CONTRAST),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(accent: &str, dark: Option<&str>) -> Brand {
        Brand {
            accent: Some(accent.to_string()),
            accent_dark: dark.map(str::to_string),
            ..Brand::default()
        }
    }

    #[test]
    fn a_dark_corporate_blue_passes_in_both_modes() {
        let mut blue = brand("#154273", None);
        assert!(blue.check().is_empty());
        let palette = blue.palette.unwrap();
        assert_eq!(palette.light, Colour::new(0x15, 0x42, 0x73));
        for bg in DARK_BACKGROUNDS {
            assert!(
                palette.dark.contrast(bg) >= TEXT_CONTRAST,
                "{}",
                palette.dark
            );
        }
        assert!(palette.dark.luminance() > palette.light.luminance());
    }

    #[test]
    fn a_light_colour_fails_with_its_ratio_and_the_nearest_that_passes() {
        let mut light = brand("#77aaff", None);
        let errors = light.check();
        assert_eq!(errors.len(), 1);
        let (key, error) = &errors[0];
        assert_eq!(*key, "accent");
        let message = error.to_string();
        assert!(
            message.contains("#77aaff has a contrast of 1.88:1 against marked search words"),
            "{message}"
        );
        assert!(message.contains("4.5:1"), "{message}");
        let BrandError::TooLittleContrast {
            nearest: Some(nearest),
            ..
        } = error
        else {
            panic!("{error:?}")
        };
        assert!(nearest.worst_contrast(&LIGHT_BACKGROUNDS) >= TEXT_CONTRAST);
        assert!(error.hint().unwrap().contains(&nearest.to_string()));
        assert_eq!(light.palette, None);
    }

    #[test]
    fn a_given_dark_accent_is_checked_on_the_dark_backgrounds() {
        let mut given = brand("#154273", Some("#0b2a4a"));
        let errors = given.check();
        assert_eq!(errors[0].0, "accent_dark");
        assert!(errors[0].1.to_string().contains("in dark mode"));
        let mut good = brand("#154273", Some("#9cc3f0"));
        assert!(good.check().is_empty());
        assert_eq!(good.palette.unwrap().dark, Colour::new(0x9c, 0xc3, 0xf0));
    }

    #[test]
    fn fonts_and_colours_are_checked_for_what_they_hold() {
        let mut bad = Brand {
            accent: Some("navy".into()),
            font: Some("Arial; } body { display: none".into()),
            ..Brand::default()
        };
        let keys: Vec<_> = bad.check().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["accent", "font"]);
        let mut fine = Brand {
            font: Some("\"Noto Sans\", Arial, sans-serif".into()),
            ..Brand::default()
        };
        assert!(fine.check().is_empty());
        assert_eq!(fine.palette, None, "no accent, the theme's own");
    }

    /// The backgrounds here are those of the default theme's stylesheet.
    #[test]
    fn the_backgrounds_are_the_themes() {
        let css = crate::theme::DEFAULT_THEME
            .get_file("static/style.css")
            .and_then(|f| f.contents_utf8())
            .unwrap();
        let value = |block: &str, name: &str| {
            let at = block.find(&format!("--{name}:")).unwrap();
            let rest = &block[at + name.len() + 3..];
            Colour::parse(rest[..rest.find(';').unwrap()].trim()).unwrap()
        };
        let dark_at = css.find("prefers-color-scheme: dark").unwrap();
        let (light, dark) = css.split_at(dark_at);
        for (block, backgrounds) in [(light, LIGHT_BACKGROUNDS), (dark, DARK_BACKGROUNDS)] {
            let found = ["bg", "tint", "mark"].map(|name| value(block, name));
            assert_eq!(found, backgrounds);
        }
    }
}
