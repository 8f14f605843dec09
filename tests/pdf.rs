//! The PDF edition of the shipped harvest (the repository root is that site), read back
//! with the tools a reader's and a checker's machine have (see `common::pdf`).

use crate::common;
use common::SECOND;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::Site;
use common::pdf::{
    INSTALL, outline, page_texts, path_str, pdf_string, squeeze, text as pdf_text, tool,
};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped harvest built once for all tests here; its PDF's path.
fn shipped_pdf() -> &'static Path {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    PDF.get_or_init(|| shipped().join("oogst-van-de-cop-ondergrond-en-omgevingswet.pdf"))
}

/// The PDF of the shipped harvest's English translation, named after its English title.
fn shipped_english_pdf() -> &'static Path {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    let name = "harvest-of-the-cop-on-the-subsurface-and-the-environment-and-planning-act.pdf";
    PDF.get_or_init(|| shipped().join("en").join(name))
}

/// The shipped harvest built once for all tests here: its output folder.
fn shipped() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, public) = SITE.get_or_init(|| {
        let out = tempfile::tempdir().expect("a temporary folder");
        common::oogst()
            .args(["build", "--root"])
            .arg(repo())
            .arg("--out")
            .arg(out.path().join("public"))
            .assert()
            .success();
        let public = out.path().join("public");
        (out, public)
    });
    public
}

/// The items of a content folder in the site's own language (not their translations), in
/// file order.
fn source_files(section: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("content").join(section))
        .expect("the section folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n != "_index.md" && n.matches('.').count() == 1)
        })
        .collect();
    files.sort();
    files
}

/// Title and first paragraph of each item of a content folder, in file order.
fn items(section: &str) -> Vec<(String, String)> {
    source_files(section)
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("a content file");
            let (front, body) = text[3..].split_once("\n---\n").expect("front matter");
            let title = front
                .lines()
                .find_map(|l| l.strip_prefix("title: "))
                .expect("a title")
                .trim_matches('"')
                .to_string();
            let first = body
                .split("\n\n")
                .map(str::trim)
                .find(|p| !p.is_empty())
                .expect("a body");
            (title, squeeze(first))
        })
        .collect()
}

#[test]
fn every_conclusion_and_recommendation_is_there_in_order() {
    let text = pdf_text(shipped_pdf());
    let mut at = 0;
    for (title, first) in items("conclusions")
        .into_iter()
        .chain(items("recommendations"))
    {
        let body = text[at..]
            .find(&first)
            .unwrap_or_else(|| panic!("no text {first:?} after the previous item"));
        assert!(
            text[at..at + body].contains(&title),
            "the title {title:?} is not between the previous item and its text"
        );
        at += body + first.len();
    }
}

#[test]
fn the_pdf_is_tagged_titled_and_in_dutch() {
    let info = tool("pdfinfo", &[path_str(shipped_pdf())]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in {info}"))
            .to_string()
    };
    assert_eq!(field("Tagged:"), "yes");
    assert_eq!(
        field("Title:"),
        "Oogst van de CoP Ondergrond en Omgevingswet"
    );
    assert_eq!(field("Author:"), "Deelnemers van de Community of Practice");
    assert!(field("CreationDate:").len() > 4);
    let catalog = uncompressed(shipped_pdf());
    assert!(
        catalog.contains("/Lang (nl)"),
        "no /Lang (nl) in the catalog"
    );
}

#[test]
fn the_english_pdf_is_tagged_titled_in_english_and_holds_the_translation() {
    let pdf = shipped_english_pdf();
    assert!(
        pdf.is_file(),
        "no English PDF named after the English title"
    );
    let info = tool("pdfinfo", &[path_str(pdf)]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Title:           Harvest of the CoP on the Subsurface and the Environment and Planning Act"),
        "{info}"
    );
    assert!(uncompressed(pdf).contains("/Lang (en)"), "no /Lang (en)");
    // Every English title in the reading order of the Dutch edition; interface in English.
    let text = pdf_text(pdf);
    assert!(text.contains("Contents") && text.contains("Recommendations"));
    let mut at = 0;
    for title in [
        "The CoP as a place to learn",
        "Small group, big effect",
        "Broaden the group",
    ] {
        let found = text[at..]
            .find(title)
            .unwrap_or_else(|| panic!("no {title:?} after the previous title"));
        at += found + title.len();
    }
    // The pages of the English site link to it, the Dutch ones to theirs.
    let page = std::fs::read_to_string(
        shipped().join("en/conclusions/cop-as-a-place-to-learn/index.html"),
    )
    .expect("an English page");
    assert!(page.contains(
        "/en/harvest-of-the-cop-on-the-subsurface-and-the-environment-and-planning-act.pdf"
    ));
}

/// The PDF with its streams uncompressed, as text.
fn uncompressed(pdf: &Path) -> String {
    let out = pdf.with_extension("qdf.pdf");
    let status = Command::new("qpdf")
        .args([
            "--qdf",
            "--object-streams=disable",
            path_str(pdf),
            path_str(&out),
        ])
        .status()
        .unwrap_or_else(|e| panic!("cannot run qpdf ({e}): install it with {INSTALL}"));
    // 3 is qpdf's "done, with warnings".
    assert!(matches!(status.code(), Some(0 | 3)), "qpdf failed");
    String::from_utf8_lossy(&std::fs::read(out).expect("qpdf's output")).into_owned()
}

#[test]
fn the_metadata_claims_pdf_ua_1() {
    let pdf = uncompressed(shipped_pdf());
    assert!(
        pdf.contains("<pdfuaid:part>1</pdfuaid:part>") || pdf.contains("pdfuaid:part=\"1\""),
        "no PDF/UA-1 identification in the XMP metadata"
    );
    assert!(pdf.contains("/MarkInfo"), "not marked as tagged");
    assert!(pdf.contains("/StructTreeRoot"), "no structure tree");
}

#[test]
fn every_font_is_embedded() {
    let fonts = tool("pdffonts", &[path_str(shipped_pdf())]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts: {fonts}");
    for row in rows {
        // Columns: name, type, encoding, emb, sub, uni, object ID.
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "a font not embedded: {row}");
    }
}

#[test]
fn every_part_and_item_has_an_outline_entry_on_its_page() {
    let entries = outline(shipped_pdf());
    let pages = page_texts(shipped_pdf());
    let mut wanted: Vec<String> = ["Inleiding", "Conclusies", "Aanbevelingen", "Pagina’s"]
        .map(String::from)
        .to_vec();
    wanted.extend(
        ["themes", "conclusions", "recommendations"]
            .iter()
            .flat_map(|s| items(s))
            .map(|(title, _)| title),
    );
    for title in wanted {
        let Some((_, page)) = entries.iter().find(|(t, _)| t.ends_with(&title)) else {
            panic!("no outline entry for {title:?} among {entries:?}");
        };
        let shown = pages.get(*page as usize - 1).map_or("", String::as_str);
        assert!(
            shown.contains(&title),
            "the outline entry {title:?} leads to page {page}, which does not show it"
        );
    }
}

#[test]
fn a_body_full_of_typst_syntax_comes_out_as_text() {
    // Markdown's own escapes and entities, so only Typst could change what shows.
    let typst_like = r#"#set page(paper: a0) $x^2$ \*ster\* \_laag\_ @ref &lt;label&gt; = niet een kop #{ 1 + 1 } \\ `#code` ~ // geen commentaar /* ook niet */ [a] - b + c 1. d"#;
    let site = Site::small();
    site.write(
        SECOND,
        &format!("---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nVreemd: {typst_like}\n"),
    );
    site.build_ok(&[]);
    let pdf = site.path("public/proefoogst.pdf");
    let text = pdf_text(&pdf);
    // What Markdown makes of the backslash escapes, and nothing Typst makes of the rest.
    let shown = r#"Vreemd: #set page(paper: a0) $x^2$ *ster* _laag_ @ref <label> = niet een kop #{ 1 + 1 } \ #code ~ // geen commentaar /* ook niet */ [a] - b + c 1. d"#;
    assert!(text.contains(shown), "{shown:?} not in {text:?}");
}

#[test]
fn pdf_false_leaves_it_out_and_the_pages_do_not_link_to_it() {
    let site = Site::small();
    let yaml = std::fs::read_to_string(site.path("site.yaml")).expect("site.yaml");
    site.write("site.yaml", &format!("{yaml}pdf: false\n"));
    site.build_ok(&[]);
    assert!(!site.path("public/proefoogst.pdf").exists());
    let home = site.read_public("index.html");
    assert!(!home.contains(".pdf"));
}

#[test]
fn a_harvest_above_max_items_says_so_in_one_line() {
    let site = Site::small();
    let yaml = std::fs::read_to_string(site.path("site.yaml")).expect("site.yaml");
    site.write("site.yaml", &format!("{yaml}pdf: {{max_items: 3}}\n"));
    let output = site
        .oogst(&["build"])
        .assert()
        .success()
        .get_output()
        .clone();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = said.lines().filter(|l| l.contains("PDF")).collect();
    assert_eq!(lines.len(), 1, "{said}");
    assert!(lines[0].contains("max_items"), "{said}");
    assert!(!site.path("public/proefoogst.pdf").exists());
}

#[test]
fn pages_link_to_the_pdf_with_its_size() {
    let site = Site::small();
    site.build_ok(&[]);
    let size = std::fs::metadata(site.path("public/proefoogst.pdf"))
        .expect("the PDF")
        .len();
    for page in [
        "public/index.html",
        "public/printversie/index.html",
        "public/conclusies/eerste/index.html",
    ] {
        let html = std::fs::read_to_string(site.path(page)).expect("a page");
        assert!(
            html.contains("href=\"/proefoogst.pdf\""),
            "{page} does not link to the PDF"
        );
        assert!(
            html.contains(&format!("(PDF, {} kB)", size.div_ceil(1000))),
            "{page} does not give the PDF's size"
        );
    }
}

#[test]
fn an_error_in_the_template_names_its_file_and_line() {
    let site = Site::small();
    site.write(
        "templates/pdf/harvest.typ",
        "#import \"/harvest-data.typ\": site\n#set document(title: site.title)\n\n#nonsense(1)\n",
    );
    let output = site
        .oogst(&["build"])
        .assert()
        .failure()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("templates/pdf/harvest.typ:4:"),
        "no file and line in {stderr}"
    );
    assert!(stderr.contains("nonsense"), "{stderr}");
}

/// A PDF string as qpdf's JSON writes it (`u:text`), without its prefix.
#[test]
fn links_to_items_land_on_the_page_that_shows_them() {
    let json = tool(
        "qpdf",
        &["--json", "--json-key=qpdf", path_str(shipped_pdf())],
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("qpdf's JSON");
    let objects = &parsed["qpdf"][1];
    let object = |reference: &str| &objects[format!("obj:{reference}")]["value"];
    let root = object(
        parsed["qpdf"][0]["trailer"]["/Root"]
            .as_str()
            .or_else(|| objects["trailer"]["value"]["/Root"].as_str())
            .expect("a catalog"),
    );
    let kids: Vec<&str> = object(root["/Pages"].as_str().expect("a page tree"))["/Kids"]
        .as_array()
        .expect("pages")
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    // Named destination → page number (from 1).
    let mut destinations = std::collections::HashMap::new();
    let mut nodes = vec![root["/Names"]["/Dests"].clone()];
    while let Some(node) = nodes.pop() {
        let node = match node.as_str() {
            Some(reference) => object(reference).clone(),
            None => node,
        };
        for kid in node["/Kids"].as_array().into_iter().flatten() {
            nodes.push(kid.clone());
        }
        for pair in node["/Names"]
            .as_array()
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .chunks(2)
        {
            let name = pdf_string(pair[0]).expect("a name").to_string();
            let dest = match pair[1].as_str() {
                Some(reference) => object(reference).clone(),
                None => pair[1].clone(),
            };
            let page = dest[0]
                .as_str()
                .and_then(|p| kids.iter().position(|k| *k == p));
            destinations.insert(name, page.expect("a page") + 1);
        }
    }
    let titles: std::collections::HashMap<String, String> =
        ["themes", "conclusions", "recommendations"]
            .iter()
            .flat_map(|section| {
                source_files(section)
                    .into_iter()
                    .map(|f| {
                        format!(
                            "{section}/{}",
                            f.file_name().and_then(|n| n.to_str()).unwrap_or_default()
                        )
                    })
                    .zip(items(section).into_iter().map(|(title, _)| title))
                    .collect::<Vec<_>>()
            })
            .collect();
    let texts = page_texts(shipped_pdf());
    let mut checked = 0;
    for (page, reference) in kids.iter().enumerate() {
        for annotation in object(reference)["/Annots"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let link = object(annotation.as_str().expect("an annotation"));
            let Some(label) = pdf_string(&link["/Dest"]) else {
                continue;
            };
            let Some(title) = titles.get(label) else {
                continue;
            };
            let target = destinations[label];
            assert!(
                texts[target - 1].contains(title.as_str()),
                "a link on page {} to {label} lands on page {target}, which does not show {title:?}",
                page + 1
            );
            checked += 1;
        }
    }
    // Every relation of the shipped harvest is a link in both items it joins.
    assert!(checked >= 40, "only {checked} links to items");
}

#[test]
fn serve_makes_the_pdf_after_the_reload_and_again_after_an_edit() {
    use common::server::Server;
    use std::time::Duration;
    let wait = Duration::from_secs(60);
    let site = Site::small();
    let server = Server::start(site.root(), &[]);
    assert!(
        server.wait_for_output("made the PDF", wait),
        "{:?}",
        server.output()
    );
    let pdf = server.get("/proefoogst.pdf");
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let page = server.get("/conclusies/tweede/").text();
    assert!(
        page.contains("href=\"/proefoogst.pdf\""),
        "no link to the PDF"
    );

    let edited = "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nEen nieuwe zin voor de pdf.\n";
    let temp = site.path("content/conclusions/.02-tweede.md.tmp-save");
    std::fs::write(&temp, edited).expect("write");
    std::fs::rename(&temp, site.path(SECOND)).expect("rename");
    let made_twice = || {
        server
            .output()
            .iter()
            .filter(|l| l.contains("made the PDF"))
            .count()
            >= 2
    };
    let deadline = std::time::Instant::now() + wait;
    while !made_twice() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = server.output();
    let rebuilt = output.iter().position(|l| l.contains("changed: rebuilt"));
    let remade = output
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("made the PDF"))
        .nth(1)
        .map(|(n, _)| n);
    assert!(
        rebuilt.is_some() && remade.is_some() && rebuilt < remade,
        "the rebuild (and its reload) must come before the PDF: {output:?}"
    );
    let file = site.path("served.pdf");
    std::fs::write(&file, server.get("/proefoogst.pdf").body).expect("write");
    let text = pdf_text(&file);
    assert!(
        text.contains("Een nieuwe zin voor de pdf."),
        "the PDF served is old"
    );
}

/// A photo made here: `width` × `height`, a gradient.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let photo = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 140])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(photo)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .expect("encode the photo");
    bytes
}

#[test]
fn images_a_body_shows_are_in_the_pdf_with_their_description_and_caption() {
    let site = Site::small();
    site.write_bytes("content/conclusions/flip-over.jpg", &photo(2400, 1500));
    site.write_bytes("content/conclusions/rand.jpg", &photo(900, 40));
    site.write(
        SECOND,
        "---\ntitle: Tweede conclusie\nnumber: 2\n---\n\nDe sessie.\n\n\
         ![De flip-over met de vier knelpunten](flip-over.jpg \"Flip-over van de tweede sessie\")\n\n\
         ![-](rand.jpg)\n\nEn verder.\n",
    );
    site.build_ok(&[]);
    let pdf = site.path("public/proefoogst.pdf");

    // One image: the photo in its largest published size; the decorative one is left out.
    let list = tool("pdfimages", &["-list", path_str(&pdf)]);
    let images: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(images.len(), 1, "{list}");
    let columns: Vec<&str> = images[0].split_whitespace().collect();
    assert_eq!((columns[3], columns[4]), ("1600", "1000"), "{list}");

    // The caption is text under it; the description is the image's alternative text.
    let text = pdf_text(&pdf);
    assert!(text.contains("Flip-over van de tweede sessie"), "{text}");
    assert!(
        !text.contains("De flip-over met de vier knelpunten"),
        "{text}"
    );
    let structure = uncompressed(&pdf);
    assert!(
        structure.contains("/Alt (De flip-over met de vier knelpunten)"),
        "no /Alt with the description"
    );
}
