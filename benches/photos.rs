//! Makes the photo corpus of `benches/photos.sh`: a small harvest whose conclusions each
//! show one 12-megapixel phone photo (4000 × 3000, stored on its side with EXIF
//! orientation 6, JPEG quality 92), as a phone leaves them.
//!
//!     cargo run --release --example photos -- OUT_DIR COUNT [WIDTHxHEIGHT]

use std::path::Path;

use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or("usage: photos OUT_DIR COUNT")?;
    let count: u32 = args.next().ok_or("usage: photos OUT_DIR COUNT")?.parse()?;
    let (width, height) = match args.next() {
        Some(size) => {
            let (w, h) = size.split_once('x').ok_or("a size is WIDTHxHEIGHT")?;
            (w.parse()?, h.parse()?)
        }
        None => (4000, 3000),
    };
    let out = Path::new(&out);
    std::fs::create_dir_all(out.join("content/conclusions"))?;
    std::fs::write(out.join("site.yaml"), "title: Fotobank\nlanguage: nl\n")?;
    std::fs::write(
        out.join("content/_index.md"),
        "---\ntitle: Fotobank\n---\n\nFoto's.\n",
    )?;
    for n in 1..=count {
        let photo = photo(n, width, height)?;
        std::fs::write(out.join(format!("content/conclusions/foto-{n}.jpg")), photo)?;
        std::fs::write(
            out.join(format!("content/conclusions/{n:02}-foto-{n}.md")),
            format!(
                "---\ntitle: Foto {n}\nnumber: {n}\n---\n\n![Flip-over {n} van de bijeenkomst](foto-{n}.jpg \"Bijeenkomst {n}\")\n"
            ),
        )?;
    }
    Ok(())
}

/// A photo with noise, so it compresses like a real one rather than to nothing.
fn photo(seed: u32, width: u32, height: u32) -> Result<Vec<u8>, image::ImageError> {
    let pixels = RgbImage::from_fn(width, height, |x, y| {
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
    // Orientation 6 only; the tests add GPS tags too.
    let exif = [
        b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 1, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    encoder
        .set_exif_metadata(exif.to_vec())
        .map_err(image::ImageError::Unsupported)?;
    encoder.encode_image(&DynamicImage::ImageRgb8(pixels))?;
    Ok(bytes)
}
