//! The four sizes oogst makes of a 12-megapixel photo (480, 800, 1200 and 1600 pixels wide),
//! each encoded as JPEG (quality 80, as oogst does), lossy WebP (quality 80, libwebp) and
//! AVIF (quality 70, speed 8, ravif): the time and the bytes of each.
//! `cargo run --release --manifest-path benches/encoders/Cargo.toml [jpeg|webp|avif]`

use std::time::Instant;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, Rgb, RgbImage};

type Encode = fn(&RgbImage) -> Vec<u8>;

fn main() {
    let sizes = sizes(&photo(4000, 3000));
    let only = std::env::args().nth(1).unwrap_or_default();
    let encoders: [(&str, Encode); 3] = [
        ("jpeg q80", jpeg),
        ("webp q80", webp_lossy),
        ("avif q70 speed 8", avif),
    ];
    for (name, encode) in encoders {
        if !name.starts_with(&only) {
            continue;
        }
        let started = Instant::now();
        let bytes: usize = sizes.iter().map(|s| encode(s).len()).sum();
        println!(
            "{name}: 4 sizes in {} ms, {} KB",
            started.elapsed().as_millis(),
            bytes / 1024
        );
    }
}

/// The noisy photo of benches/photos.rs and the tests, upright.
fn photo(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let noise =
            (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ 1).wrapping_mul(2_654_435_761) >> 26;
        Rgb([
            (x * 180 / width) as u8 + noise as u8,
            (y * 180 / height) as u8 + noise as u8,
            120 + noise as u8,
        ])
    }))
}

fn sizes(photo: &DynamicImage) -> Vec<RgbImage> {
    let mut resizer = Resizer::new();
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    [480u32, 800, 1200, 1600]
        .into_iter()
        .map(|width| {
            let mut size = DynamicImage::new(width, width * 3 / 4, photo.color());
            resizer.resize(photo, &mut size, &options).expect("resize");
            size.into_rgb8()
        })
        .collect()
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80)
        .encode_image(image)
        .expect("JPEG");
    bytes
}

fn webp_lossy(image: &RgbImage) -> Vec<u8> {
    webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height())
        .encode(80.0)
        .to_vec()
}

fn avif(image: &RgbImage) -> Vec<u8> {
    let pixels: Vec<rgb::RGB8> = image
        .pixels()
        .map(|p| rgb::RGB8::new(p[0], p[1], p[2]))
        .collect();
    let image = ravif::Img::new(
        pixels.as_slice(),
        image.width() as usize,
        image.height() as usize,
    );
    ravif::Encoder::new()
        .with_quality(70.0)
        .with_speed(8)
        .encode_rgb(image)
        .expect("AVIF")
        .avif_file
}
