//! Image files made by the tests: plain ones, and broken ones a build must refuse.

use image::{DynamicImage, ImageFormat};

/// A 640 × 480 JPEG with nothing but its pixels.
pub fn plain_jpeg() -> Vec<u8> {
    plain(640, 480, ImageFormat::Jpeg)
}

/// A 640 × 480 WebP.
pub fn plain_webp() -> Vec<u8> {
    plain(640, 480, ImageFormat::WebP)
}

/// The first third of a real JPEG.
pub fn truncated_jpeg() -> Vec<u8> {
    let mut bytes = plain_jpeg();
    bytes.truncate(bytes.len() / 3);
    bytes
}

/// A PNG of a few hundred bytes whose header claims 30,000 × 30,000 pixels (2.7 GB).
pub fn decompression_bomb() -> Vec<u8> {
    let mut png = plain(1, 1, ImageFormat::Png);
    // IHDR's width and height, then its checksum over type and data.
    png[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png
}

/// A black image of `width` × `height` pixels in `format`, with nothing but its pixels.
fn plain(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    DynamicImage::new_rgb8(width, height)
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .expect("an image");
    bytes
}
