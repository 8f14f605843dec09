//! `brand:` in `site.yaml`: the organisation's accent, logo and font in the default theme,
//! in light and dark mode and in the print edition; a colour that does not pass WCAG AA
//! is an error at its line, with its ratio and the nearest colour of its hue that passes.

use crate::common;

use common::Site;
use oogst::brand::{DARK_BACKGROUNDS, LIGHT_BACKGROUNDS};
use oogst::colour::{Colour, TEXT_CONTRAST};

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\"><rect width=\"4\" height=\"4\" fill=\"#154273\"/></svg>";

fn branded(brand: &str) -> Site {
    let site = Site::small();
    site.write("static/logo.svg", LOGO);
    site.write(
        "site.yaml",
        &format!("title: Proefoogst\nbase_url: https://example.org/\n{brand}"),
    );
    site
}

/// The accent as the brand's `<style>` sets it: in light mode (and print),
/// and in dark mode.
fn accents(style: &str) -> (Colour, Colour) {
    let value = |from: &str| {
        let at = from.find("--accent:").expect("an accent") + "--accent:".len();
        Colour::parse(&from[at..at + 7]).expect("a colour")
    };
    let dark_at = style
        .find("prefers-color-scheme: dark")
        .expect("a dark mode");
    (value(&style[..dark_at]), value(&style[dark_at..]))
}

fn style(site: &Site, page: &str) -> String {
    site.page(page).text("head style")
}

#[test]
fn a_dark_corporate_blue_passes_in_light_and_dark_mode_and_in_print() {
    let site = branded(
        "brand:\n  accent: \"#154273\"\n  logo: static/logo.svg\n  font: '\"Noto Sans\", Arial, sans-serif'\n",
    );
    site.build_ok(&[]);
    for page in [
        "index.html",
        "conclusies/eerste/index.html",
        "printversie/index.html",
    ] {
        let style = style(&site, page);
        let (light, dark) = accents(&style);
        assert_eq!(light, Colour::new(0x15, 0x42, 0x73), "{page}: as given");
        for bg in LIGHT_BACKGROUNDS {
            assert!(light.contrast(bg) >= TEXT_CONTRAST);
        }
        for bg in DARK_BACKGROUNDS {
            assert!(
                dark.contrast(bg) >= TEXT_CONTRAST,
                "{page}: {dark} on {bg}: {:.2}",
                dark.contrast(bg)
            );
        }
        assert!(
            style.contains("@media screen and (prefers-color-scheme: dark)"),
            "dark mode on screens only, print keeps the light accent: {style}"
        );
        assert!(
            style.contains("--font:\"Noto Sans\", Arial, sans-serif;"),
            "{style}"
        );
    }

    let home = site.page("index.html");
    let logo = home.attrs(".site-title img.site-logo", "src");
    assert_eq!(home.attrs(".site-title img", "alt"), ["Proefoogst"]);
    let file = logo[0].trim_start_matches('/');
    assert!(
        file.starts_with("logo.") && file.ends_with(".svg"),
        "{file}"
    );
    assert_eq!(site.output()[file], LOGO.as_bytes());
    let print = site.page("printversie/index.html");
    assert_eq!(
        print.attrs(".print-logo img", "src"),
        logo,
        "the print edition shows it"
    );
}

#[test]
fn a_given_dark_accent_and_logo_text_are_used_as_they_are() {
    let site = branded(
        "brand:\n  accent: \"#154273\"\n  accent_dark: \"#9cc3f0\"\n  logo: static/logo.svg\n  logo_alt: Testorganisatie\n",
    );
    site.build_ok(&[]);
    let (light, dark) = accents(&style(&site, "index.html"));
    assert_eq!(
        (light, dark),
        (Colour::new(0x15, 0x42, 0x73), Colour::new(0x9c, 0xc3, 0xf0))
    );
    assert_eq!(
        site.page("index.html").attrs(".site-title img", "alt"),
        ["Testorganisatie"]
    );
}

#[test]
fn without_brand_the_theme_keeps_its_own_look() {
    let site = Site::small();
    site.build_ok(&[]);
    let home = site.page("index.html");
    assert!(home.text("head style").is_empty());
    assert!(home.attrs("img.site-logo", "src").is_empty());
}

#[test]
fn a_failing_colour_is_an_error_at_its_line_with_its_ratio_and_the_nearest_that_passes() {
    let site = branded("language: nl\nbrand:\n  logo: static/logo.svg\n  accent: \"#3b8fd6\"\n");
    let run = site.oogst(&["build"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    let colour = Colour::parse("#3b8fd6").unwrap();
    let ratio = LIGHT_BACKGROUNDS
        .iter()
        .map(|&bg| colour.contrast(bg))
        .fold(f64::INFINITY, f64::min);
    assert!(ratio < TEXT_CONTRAST);
    assert!(
        stderr.starts_with(&format!(
            "site.yaml:6:3: error: `brand.accent`: the colour #3b8fd6 has a contrast of {ratio:.2}:1"
        )),
        "{stderr}"
    );
    let hint = stderr
        .split("nearest colour of the same hue that passes is `")
        .nth(1)
        .expect("a hint with the nearest colour");
    let nearest = Colour::parse(&hint[..7]).expect("a colour");
    for bg in LIGHT_BACKGROUNDS {
        assert!(nearest.contrast(bg) >= TEXT_CONTRAST, "{nearest} passes");
    }
    assert!(
        nearest.luminance() < colour.luminance(),
        "darker, as near as can be"
    );
    assert!(!site.path("public").exists(), "nothing is built");
}
