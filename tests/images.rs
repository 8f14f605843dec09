//! Images with the real binary on photos the tests make: a 12-megapixel phone photo lying
//! on its side with GPS tags, a PNG with transparency, an SVG. What comes out is upright,
//! small, carries no metadata, is shown with its sizes and description, and is kept in the
//! cache between builds.

use crate::common;
use common::FIRST;

use std::io::Cursor;

use common::images::plain_jpeg;
use common::{SMALL_SITE, Site};
use image::{DynamicImage, ImageEncoder, ImageReader, Rgb, RgbImage, Rgba, RgbaImage};

/// An EXIF block as a phone writes it, shortened: orientation 6 (turn 90° clockwise to
/// view) and a GPS latitude of 52° 5′ N.
fn exif_on_its_side_with_gps() -> Vec<u8> {
    let mut b: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0: Orientation = 6, GPS IFD at 38.
    b.extend([0, 2]);
    b.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    b.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    b.extend([0, 0, 0, 0]);
    // GPS IFD: latitude reference N, latitude as three rationals at 68.
    b.extend([0, 2]);
    b.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    b.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    b.extend([0, 0, 0, 0]);
    for (n, d) in [(52u32, 1u32), (5, 1), (0, 1)] {
        b.extend(n.to_be_bytes());
        b.extend(d.to_be_bytes());
    }
    b
}

/// The 12-megapixel photo, made once for all tests.
fn phone_photo() -> &'static [u8] {
    static PHOTO: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PHOTO.get_or_init(|| photo_on_its_side(4000, 3000, 1))
}

/// A photo stored on its side, with a red block in its stored top-left corner: upright,
/// that corner is the top right.
fn photo_on_its_side(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let photo = RgbImage::from_fn(width, height, |x, y| {
        if x < 400 && y < 400 {
            return Rgb([230, 20, 20]);
        }
        let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed)
            .wrapping_mul(2_654_435_761)
            >> 26;
        Rgb([
            (x * 180 / width) as u8 + noise as u8,
            (y * 180 / height) as u8 + noise as u8,
            120 + noise as u8,
        ])
    });
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92);
    encoder
        .set_exif_metadata(exif_on_its_side_with_gps())
        .expect("EXIF in a JPEG");
    encoder
        .encode_image(&DynamicImage::ImageRgb8(photo))
        .expect("encode the photo");
    bytes
}

/// A 1200 × 800 drawing on a transparent background.
fn transparent_drawing() -> Vec<u8> {
    let drawing = RgbaImage::from_fn(1200, 800, |x, y| {
        let inside = (x as i64 - 600).pow(2) + (y as i64 - 400).pow(2) < 300 * 300;
        if inside {
            Rgba([20, 90, 200, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgba8(drawing)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("encode the drawing");
    bytes
}

const SCHEMA_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160" viewBox="0 0 320 160"><rect width="320" height="160" fill="#eef"/><text x="20" y="90">Schema</text></svg>"##;

const BODY: &str = "---\ntitle: Eerste conclusie\nnumber: 1\nsummary: De eerste.\nthemes: [leren]\nimage: flip-over.jpg\nimage_alt: De flip-over met de drie thema's\n---\n\nTekst van de eerste.\n\n## Aanpak\n\n![De flip-over met de drie thema's](flip-over.jpg \"De flip-over na de eerste bijeenkomst\")\n\n![Het proces in vier stappen](proces.png)\n\nEen schema ![-](schema.svg) tussen de tekst.\n";

fn site_with_images() -> Site {
    let site = Site::new(SMALL_SITE);
    site.write(FIRST, BODY);
    std::fs::write(
        site.path("content/conclusions/flip-over.jpg"),
        phone_photo(),
    )
    .unwrap();
    std::fs::write(
        site.path("content/conclusions/proces.png"),
        transparent_drawing(),
    )
    .unwrap();
    site.write("content/conclusions/schema.svg", SCHEMA_SVG);
    site
}

fn build(site: &Site) -> (String, std::time::Duration) {
    let started = std::time::Instant::now();
    let out = site.oogst(&["build"]).output().expect("run oogst");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "the build fails:\n{stderr}");
    (stderr, started.elapsed())
}

fn decode(bytes: &[u8]) -> DynamicImage {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
}

fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"Exif\0\0")
        || exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .is_ok()
}

#[test]
fn photos_come_out_upright_small_and_without_metadata() {
    let source = phone_photo();
    let read = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&source))
        .expect("the test photo has EXIF");
    assert!(
        read.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    let orientation = read
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(orientation.value.get_uint(0), Some(6));

    let site = site_with_images();
    let (stderr, _) = build(&site);
    let out = site.output();
    let photos: Vec<&String> = out
        .keys()
        .filter(|k| k.starts_with("conclusies/flip-over"))
        .collect();
    assert_eq!(
        photos,
        [
            "conclusies/flip-over-1200.jpg",
            "conclusies/flip-over-480.jpg",
            "conclusies/flip-over-800.jpg",
            "conclusies/flip-over.jpg"
        ],
        "{stderr}"
    );
    let mut total = 0;
    for name in &photos {
        let bytes = &out[*name];
        total += bytes.len();
        assert!(!has_exif(bytes), "{name} carries EXIF");
        let photo = decode(bytes).to_rgb8();
        assert!(photo.height() > photo.width(), "{name} is upright");
        let top_right = photo.get_pixel(photo.width() - 5, 5);
        let top_left = photo.get_pixel(5, 5);
        assert!(
            top_right[0] > 180 && top_right[1] < 80,
            "{name}: {top_right:?}"
        );
        assert!(top_left[0] < 180, "{name}: {top_left:?}");
    }
    let largest = decode(&out["conclusies/flip-over.jpg"]);
    assert_eq!((largest.width(), largest.height()), (1600, 2133));
    assert!(
        total * 4 < source.len(),
        "all sizes together ({total} bytes) are well below the source ({} bytes)",
        source.len()
    );

    let drawing = decode(&out["conclusies/proces.png"]);
    assert_eq!((drawing.width(), drawing.height()), (1200, 800));
    assert!(drawing.color().has_alpha(), "transparency is kept");
    assert_eq!(decode(&out["conclusies/proces-480.png"]).height(), 320);
    assert_eq!(
        out["conclusies/schema.svg"],
        SCHEMA_SVG.as_bytes(),
        "SVG as it is"
    );
    for (name, bytes) in &out {
        assert!(!has_exif(bytes), "{name} carries EXIF");
    }
}

#[test]
fn images_are_shown_with_sizes_descriptions_and_captions() {
    let site = site_with_images();
    build(&site);
    let page = site.page("conclusies/eerste/index.html");
    let srcs = page.attrs("main img", "src");
    assert_eq!(
        srcs,
        [
            "/conclusies/flip-over.jpg",
            "/conclusies/proces.png",
            "/conclusies/schema.svg"
        ]
    );
    assert_eq!(page.attrs("main img", "width"), ["1600", "1200", "320"]);
    assert_eq!(page.attrs("main img", "height"), ["2133", "800", "160"]);
    assert_eq!(
        page.attrs("main img", "alt"),
        [
            "De flip-over met de drie thema’s",
            "Het proces in vier stappen",
            ""
        ]
    );
    let srcset = page.attrs("main figure img", "srcset");
    assert_eq!(
        srcset,
        [
            "/conclusies/flip-over-480.jpg 480w, /conclusies/flip-over-800.jpg 800w, /conclusies/flip-over-1200.jpg 1200w, /conclusies/flip-over.jpg 1600w"
        ]
    );
    assert_eq!(page.attrs("main img[sizes]", "sizes").len(), 2);
    assert_eq!(
        page.texts("main figure figcaption"),
        ["De flip-over na de eerste bijeenkomst"]
    );
    assert!(
        page.attrs("main figure img", "loading").is_empty(),
        "the first loads at once"
    );
    assert_eq!(page.attrs("main img[loading]", "loading"), ["lazy", "lazy"]);
    assert_eq!(
        page.attrs("main img[decoding]", "decoding"),
        ["async", "async"]
    );
    // The card image in lists, and the picture for sharing.
    let list = site.page("conclusies/index.html");
    assert_eq!(
        list.attrs(".item-card img", "src"),
        ["/conclusies/flip-over-480.jpg"]
    );
    assert_eq!(
        page.attrs("meta[property='og:image']", "content"),
        ["https://example.org/conclusies/flip-over.jpg"]
    );
    assert_eq!(
        page.attrs("meta[property='og:image:alt']", "content"),
        ["De flip-over met de drie thema's"],
        "the description of `image_alt`"
    );
    assert_eq!(
        list.attrs(".item-card img", "alt"),
        [""],
        "beside the title, the card's picture is decoration"
    );
    // The print edition shows them too.
    let print = site.page("printversie/index.html");
    assert!(
        print
            .attrs("img", "src")
            .contains(&"/conclusies/flip-over.jpg".to_string())
    );
}

#[test]
fn the_cache_keeps_images_between_builds_and_never_a_stale_one() {
    let site = site_with_images();
    let (first, cold) = build(&site);
    assert!(
        first.contains("images: 2 processed, 0 from the cache"),
        "{first}"
    );
    let before = site.output();
    let (second, warm) = build(&site);
    assert!(
        second.contains("images: 0 processed, 2 from the cache"),
        "{second}"
    );
    assert_eq!(site.output(), before, "the same bytes from the cache");
    eprintln!("cold build {cold:?}, rebuild from the cache {warm:?}");
    assert!(
        warm < cold,
        "a rebuild ({warm:?}) is quicker than the first ({cold:?})"
    );

    std::fs::write(
        site.path("content/conclusions/flip-over.jpg"),
        photo_on_its_side(2000, 1500, 2),
    )
    .unwrap();
    let (third, _) = build(&site);
    assert!(
        third.contains("images: 1 processed, 1 from the cache"),
        "{third}"
    );
    let after = site.output();
    assert_ne!(
        after["conclusies/flip-over.jpg"], before["conclusies/flip-over.jpg"],
        "a changed photo is processed again"
    );
    assert_eq!(
        after["conclusies/proces.png"],
        before["conclusies/proces.png"]
    );
    let manifests = std::fs::read_dir(site.path(".oogst-cache/images"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".txt"))
        .count();
    assert_eq!(
        manifests, 2,
        "the old photo's sizes are removed from the cache"
    );
}

#[test]
fn every_image_is_described() {
    let site = site_with_images();
    site.write(
        FIRST,
        "---\ntitle: Eerste conclusie\nnumber: 1\n---\n\nTekst.\n\n![](schema.svg)\n\n## Aanpak\n",
    );
    let out = site.oogst(&["build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "content/conclusions/01-eerste.md:8:1: error: the image `schema.svg` has no description"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("![-](schema.svg)"),
        "the hint names the marker: {stderr}"
    );

    let long = "lang ".repeat(60);
    site.write(
        FIRST,
        &format!(
            "---\ntitle: Eerste conclusie\nnumber: 1\n---\n\n![{long}](schema.svg)\n\n## Aanpak\n"
        ),
    );
    let (stderr, _) = build(&site);
    assert!(
        stderr.contains("content/conclusions/01-eerste.md:6:1: warning: the description of `schema.svg` is 299 characters long"),
        "{stderr}"
    );
}

#[test]
fn a_broken_photo_is_an_error_at_the_line_that_shows_it() {
    let site = site_with_images();
    build(&site);
    let before = site.output();
    let photo = phone_photo();
    std::fs::write(
        site.path("content/conclusions/flip-over.jpg"),
        &photo[..photo.len() / 2],
    )
    .unwrap();
    let out = site.oogst(&["build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/conclusions/01-eerste.md:14:1: error: the image content/conclusions/flip-over.jpg is damaged"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(site.output(), before, "the previous site is untouched");
}

/// The preview server's pipeline processes an image once, and again only when its file
/// changes; a changed body does not process the images it shows again.
#[test]
fn serve_processes_only_the_images_that_changed() {
    use oogst::output::InMemory;
    use oogst::{BuildOptions, Change, Preview};
    let site = Site::new(SMALL_SITE);
    site.write(FIRST, BODY);
    let photo = site.path("content/conclusions/flip-over.jpg");
    std::fs::write(&photo, photo_on_its_side(1600, 1200, 4)).unwrap();
    std::fs::write(
        site.path("content/conclusions/proces.png"),
        transparent_drawing(),
    )
    .unwrap();
    site.write("content/conclusions/schema.svg", SCHEMA_SVG);
    let mut pipeline = Preview::new(BuildOptions {
        root: site.root().to_path_buf(),
        base_url: None,
        drafts: false,
    });
    let run = |pipeline: &mut Preview, changes: &[Change]| {
        let memory = InMemory::default();
        let built = pipeline.run(changes, &memory).expect("builds");
        (built.images, memory.into_site())
    };
    let (images, first) = run(&mut pipeline, &[]);
    assert_eq!(images, (2, 0));
    let page = |site: &oogst::output::Site| {
        String::from_utf8(
            site.get("conclusies/eerste/index.html")
                .unwrap()
                .bytes()
                .unwrap()
                .into_owned(),
        )
        .unwrap()
    };
    assert!(
        page(&first).contains("width=\"1200\" height=\"1600\""),
        "upright"
    );

    site.write(
        FIRST,
        &BODY.replace("Tekst van de eerste.", "Andere tekst."),
    );
    let (images, _) = run(&mut pipeline, &[Change::Content(site.path(FIRST))]);
    assert_eq!(images, (0, 0), "a changed body processes nothing");

    std::fs::write(&photo, photo_on_its_side(1200, 1600, 5)).unwrap();
    let (images, after) = run(&mut pipeline, &[Change::Content(photo.clone())]);
    assert_eq!(images, (1, 0), "only the changed photo");
    assert!(
        page(&after).contains("width=\"1600\" height=\"1200\""),
        "its new size is shown"
    );
}

/// Nothing a page does not show is published, and nothing published carries the metadata
/// of a phone photo: not an unused photo beside the content, not one only a draft shows,
/// not a photo in `static/` that is copied under its own name.
#[test]
fn nothing_unpublished_leaks_and_no_file_carries_metadata() {
    let site = site_with_images();
    let photo = photo_on_its_side(1200, 900, 7);
    site.write_bytes("content/conclusions/ongebruikt.jpg", &photo);
    site.write_bytes("content/conclusions/concept-foto.jpg", &photo);
    site.write(
        "content/conclusions/03-concept.md",
        "---\ntitle: Concept\nnumber: 3\ndraft: true\n---\n\n![Het concept](concept-foto.jpg)\n",
    );
    site.write_bytes("static/img/kaart.jpg", &photo);
    site.write_bytes("static/img/plain.jpg", &plain_jpeg());
    site.write("static/img/schema.svg", SCHEMA_SVG);
    build(&site);
    let out = site.output();
    for name in ["ongebruikt", "concept-foto"] {
        let leaked: Vec<&String> = out.keys().filter(|k| k.contains(name)).collect();
        assert!(leaked.is_empty(), "{name} is published: {leaked:?}");
    }
    // In static/: a photo with metadata is stripped and turned upright under its own name,
    // a plain one and an SVG are published as they are.
    let kaart = decode(&out["img/kaart.jpg"]).to_rgb8();
    assert_eq!((kaart.width(), kaart.height()), (900, 1200), "upright");
    let top_right = kaart.get_pixel(kaart.width() - 5, 5);
    assert!(top_right[0] > 180 && top_right[1] < 80, "{top_right:?}");
    assert_eq!(out["img/plain.jpg"], plain_jpeg(), "as it is");
    assert_eq!(out["img/schema.svg"], SCHEMA_SVG.as_bytes());
    for (name, bytes) in &out {
        assert!(!has_exif(bytes), "{name} carries EXIF");
    }

    // With --drafts, the draft's photo is published, processed.
    let out = site.oogst(&["build", "--drafts"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = site.output();
    assert!(out.contains_key("conclusies/concept-foto.jpg"));
    assert!(!out.keys().any(|k| k.contains("ongebruikt")));
    for (name, bytes) in &out {
        assert!(!has_exif(bytes), "{name} carries EXIF");
    }
}

/// Two images whose sizes would take one name, or a size over a file of `static/`, are an
/// error naming both files; the site before is untouched.
#[test]
fn two_files_for_one_output_name_are_an_error_naming_both() {
    let site = site_with_images();
    build(&site);
    let before = site.output();
    let mut webp = Vec::new();
    DynamicImage::new_rgb8(900, 600)
        .write_to(&mut Cursor::new(&mut webp), image::ImageFormat::WebP)
        .unwrap();
    site.write_bytes("content/conclusions/flip-over.webp", &webp);
    site.write(
        FIRST,
        &BODY.replace(
            "Een schema",
            "![Dezelfde flip-over als WebP](flip-over.webp)\n\nEen schema",
        ),
    );
    site.write_bytes("static/conclusies/proces-480.png", &plain_jpeg());
    let out = site.oogst(&["build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/conclusions/flip-over.webp: error: this file and the image content/conclusions/flip-over.jpg would both be published as `/conclusies/flip-over-480.jpg`"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("flip-over.webp: error").count(),
        1,
        "one error for the two files: {stderr}"
    );
    assert!(
        stderr.contains("static/conclusies/proces-480.png: error: this file and the image content/conclusions/proces.png would both be published as `/conclusies/proces-480.png`"),
        "{stderr}"
    );
    assert!(stderr.contains("rename one of them"), "{stderr}");
    assert_eq!(site.output(), before, "the previous site is untouched");
}

#[test]
fn a_body_edit_that_makes_a_description_too_long_is_a_warning_in_serve_as_in_build() {
    use oogst::output::InMemory;
    use oogst::{BuildOptions, Change, Preview};
    let site = Site::new(SMALL_SITE);
    site.write(FIRST, BODY);
    std::fs::write(
        site.path("content/conclusions/flip-over.jpg"),
        photo_on_its_side(1600, 1200, 4),
    )
    .unwrap();
    site.write("content/conclusions/schema.svg", SCHEMA_SVG);
    std::fs::write(
        site.path("content/conclusions/proces.png"),
        transparent_drawing(),
    )
    .unwrap();
    let mut preview = Preview::new(BuildOptions {
        root: site.root().to_path_buf(),
        base_url: None,
        drafts: false,
    })
    // As `oogst serve` runs it: the PDF apart, so a body edit takes the quick rebuild.
    .making_pdf_later();
    let too_long = "the description of `flip-over.jpg` is";
    let first = preview.run(&[], &InMemory::default()).expect("builds");
    assert!(!first.warnings.to_string().contains(too_long));

    // A pause, then only the body changes: the quick rebuild.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let long = "Een lange beschrijving van de flip-over. ".repeat(8);
    let body = std::fs::read_to_string(site.path(FIRST)).unwrap();
    let start = body.find("![").expect("an image in the body") + 2;
    let end = start + body[start..].find(']').expect("its description ends");
    site.write(FIRST, &format!("{}{long}{}", &body[..start], &body[end..]));
    let rebuilt = preview
        .run(&[Change::Content(site.path(FIRST))], &InMemory::default())
        .unwrap_or_else(|e| panic!("a long description is no error: {e}"));
    assert!(
        rebuilt.warnings.to_string().contains(too_long),
        "{}",
        rebuilt.warnings
    );

    let (_, clean) = oogst::build_site(&BuildOptions {
        root: site.root().to_path_buf(),
        base_url: None,
        drafts: false,
    })
    .expect("a clean build succeeds too");
    assert!(
        clean.warnings.to_string().contains(too_long),
        "{}",
        clean.warnings
    );
}
