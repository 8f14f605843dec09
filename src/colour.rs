//! Colours of a brand and their contrast, as WCAG 2.2 measures it: a colour is parsed,
//! measured against the backgrounds it is used on, and where it fails, the nearest colour
//! of the same hue that passes is found.

use std::fmt;

/// An sRGB colour, written `#rrggbb` (or `#rgb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// Contrast a text must have against its background (WCAG 2.2 AA, normal text).
pub const TEXT_CONTRAST: f64 = 4.5;

/// Contrast large text and parts of the interface must have (WCAG 2.2 AA).
pub const UI_CONTRAST: f64 = 3.0;

impl Colour {
    pub const fn new(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b }
    }

    /// `#154273` or `#fff`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Colour> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize, width: usize| {
            let value = u8::from_str_radix(hex.get(i * width..(i + 1) * width)?, 16).ok()?;
            Some(if width == 1 { value * 17 } else { value })
        };
        let width = match hex.len() {
            3 => 1,
            6 => 2,
            _ => return None,
        };
        Some(Colour::new(
            channel(0, width)?,
            channel(1, width)?,
            channel(2, width)?,
        ))
    }

    /// Relative luminance, from 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// The contrast ratio of two colours, from 1 to 21.
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The lowest contrast against any of `backgrounds`.
    pub fn worst_contrast(self, backgrounds: &[Colour]) -> f64 {
        backgrounds
            .iter()
            .map(|&bg| self.contrast(bg))
            .fold(f64::INFINITY, f64::min)
    }

    /// The colour of the same hue and saturation, with the lightness nearest to this
    /// colour's, that has at least `ratio` against every one of `backgrounds`; `None` when
    /// no lightness does.
    pub fn nearest_passing(self, backgrounds: &[Colour], ratio: f64) -> Option<Colour> {
        if self.worst_contrast(backgrounds) >= ratio {
            return Some(self);
        }
        let (hue, saturation, lightness) = self.hsl();
        // Steps of a thousandth of lightness, outwards in both directions.
        (1..=1000)
            .flat_map(|step| {
                let delta = f64::from(step) / 1000.0;
                [lightness - delta, lightness + delta]
            })
            .filter(|l| (0.0..=1.0).contains(l))
            .map(|l| Colour::from_hsl(hue, saturation, l))
            .find(|c| c.worst_contrast(backgrounds) >= ratio)
    }

    /// Hue (0–360), saturation and lightness (0–1).
    fn hsl(self) -> (f64, f64, f64) {
        let [r, g, b] = [self.r, self.g, self.b].map(|c| f64::from(c) / 255.0);
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let lightness = (max + min) / 2.0;
        let delta = max - min;
        if delta == 0.0 {
            return (0.0, 0.0, lightness);
        }
        let saturation = delta / (1.0 - (2.0 * lightness - 1.0).abs());
        let hue = if max == r {
            60.0 * ((g - b) / delta).rem_euclid(6.0)
        } else if max == g {
            60.0 * ((b - r) / delta + 2.0)
        } else {
            60.0 * ((r - g) / delta + 4.0)
        };
        (hue, saturation, lightness)
    }

    fn from_hsl(hue: f64, saturation: f64, lightness: f64) -> Colour {
        let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
        let x = chroma * (1.0 - ((hue / 60.0).rem_euclid(2.0) - 1.0).abs());
        let m = lightness - chroma / 2.0;
        let (r, g, b) = match hue {
            h if h < 60.0 => (chroma, x, 0.0),
            h if h < 120.0 => (x, chroma, 0.0),
            h if h < 180.0 => (0.0, chroma, x),
            h if h < 240.0 => (0.0, x, chroma),
            h if h < 300.0 => (x, 0.0, chroma),
            _ => (chroma, 0.0, x),
        };
        let channel = |c: f64| ((c + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Colour::new(channel(r), channel(g), channel(b))
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Colour = Colour::new(255, 255, 255);
    const BLACK: Colour = Colour::new(0, 0, 0);

    #[test]
    fn colours_are_read_in_both_hex_forms() {
        assert_eq!(
            Colour::parse("#154273"),
            Some(Colour::new(0x15, 0x42, 0x73))
        );
        assert_eq!(Colour::parse(" #FFF "), Some(WHITE));
        for bad in ["154273", "#12345", "#gggggg", "blue", "#1234567", "#"] {
            assert_eq!(Colour::parse(bad), None, "{bad}");
        }
        assert_eq!(Colour::new(0x15, 0x42, 0x73).to_string(), "#154273");
    }

    #[test]
    fn contrast_is_measured_as_wcag_does() {
        assert!((WHITE.contrast(BLACK) - 21.0).abs() < 1e-9);
        assert!((WHITE.contrast(WHITE) - 1.0).abs() < 1e-9);
        // #154273 on white, worked out by hand from the WCAG formula: 1.05 / 0.10296.
        let blue = Colour::new(0x15, 0x42, 0x73);
        assert!(
            (blue.contrast(WHITE) - 10.2).abs() < 0.01,
            "{}",
            blue.contrast(WHITE)
        );
        // The well-known grey that just fails on white.
        let grey = Colour::new(0x77, 0x77, 0x77);
        assert!((grey.contrast(WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn the_nearest_passing_colour_keeps_the_hue() {
        let dark = Colour::new(0x14, 0x1a, 0x17);
        let blue = Colour::new(0x15, 0x42, 0x73);
        assert!(blue.contrast(dark) < TEXT_CONTRAST);
        let lighter = blue.nearest_passing(&[dark], TEXT_CONTRAST).unwrap();
        assert!(lighter.contrast(dark) >= TEXT_CONTRAST);
        assert!(lighter.luminance() > blue.luminance());
        let (hue, _, _) = blue.hsl();
        let (lighter_hue, _, _) = lighter.hsl();
        assert!(
            (hue - lighter_hue).abs() < 2.0,
            "{hue} against {lighter_hue}"
        );
        // Just enough: one step less light would fail.
        let grey = Colour::new(0x77, 0x77, 0x77);
        let passing = grey.nearest_passing(&[WHITE], TEXT_CONTRAST).unwrap();
        assert_eq!(passing, Colour::new(0x76, 0x76, 0x76));
        assert_eq!(blue.nearest_passing(&[WHITE], TEXT_CONTRAST), Some(blue));
    }
}
