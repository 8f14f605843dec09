//! One image file made fit to publish: decoded within limits, turned upright, converted to
//! sRGB, resized to a few widths and encoded again with no metadata at all.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, PngEncoder};
use image::error::ImageError as CodecError;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::error::ImageError;
use super::limits::{JPEG_QUALITY, MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE, WIDTHS};

/// The format a published rendition is encoded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Jpeg,
    Png,
    /// Lossless: only for a WebP file published under its own name.
    WebP,
}

impl Encoding {
    /// The file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Jpeg => "jpg",
            Encoding::Png => "png",
            Encoding::WebP => "webp",
        }
    }
}

/// One encoded size of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// What processing made of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    /// Small, upright and with nothing to strip: published as it is.
    AsIs { width: u32, height: u32 },
    /// Encoded anew, smallest first.
    Renditions {
        encoding: Encoding,
        sizes: Vec<Encoded>,
    },
}

/// Processes the bytes of the image file `file` (named in errors) into its sizes.
pub fn process(file: &str, bytes: &[u8]) -> Result<Processed, ImageError> {
    let decoded = decode(file, bytes)?;
    let (width, height) = (decoded.width, decoded.height);
    if decoded.orientation == Orientation::NoTransforms
        && width <= WIDTHS[0]
        && decoded.format != ImageFormat::WebP
        && !carries_metadata(bytes)
    {
        return Ok(Processed::AsIs { width, height });
    }
    let encoding = if has_transparency(&decoded.image) || decoded.format == ImageFormat::Png {
        Encoding::Png
    } else {
        Encoding::Jpeg
    };
    let (upright_width, upright_height) = decoded.upright_size();
    encode_sizes(
        file,
        decoded,
        encoding,
        targets(upright_width, upright_height),
    )
}

/// The bytes of the image file `file` with nothing but its pixels, for a file published
/// under its own name (in `static/`): as it is when it carries no metadata, else decoded,
/// turned upright, converted to sRGB and encoded again at its own size in its own format
/// (WebP losslessly).
pub fn strip(file: &str, bytes: &[u8]) -> Result<Processed, ImageError> {
    if !carries_metadata(bytes) {
        return Ok(Processed::AsIs {
            width: 0,
            height: 0,
        });
    }
    let decoded = decode(file, bytes)?;
    let encoding = match decoded.format {
        ImageFormat::Png => Encoding::Png,
        ImageFormat::WebP => Encoding::WebP,
        _ => Encoding::Jpeg,
    };
    let size = decoded.upright_size();
    encode_sizes(file, decoded, encoding, vec![size])
}

/// An image decoded within the limits, with what its file says about showing it.
struct Decoded {
    image: DynamicImage,
    format: ImageFormat,
    /// As stored, before the orientation is applied.
    width: u32,
    height: u32,
    orientation: Orientation,
    profile: Option<Vec<u8>>,
}

impl Decoded {
    /// Whether it lies on its side as stored.
    fn turned(&self) -> bool {
        matches!(
            self.orientation,
            Orientation::Rotate90
                | Orientation::Rotate270
                | Orientation::Rotate90FlipH
                | Orientation::Rotate270FlipH
        )
    }

    /// Width and height once upright.
    fn upright_size(&self) -> (u32, u32) {
        if self.turned() {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// Decodes a JPEG, PNG or WebP file within [`limits`]; its header is checked before any
/// pixel is decoded.
fn decode(file: &str, bytes: &[u8]) -> Result<Decoded, ImageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(file, &e))?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        Some(other) => {
            return Err(ImageError::Unsupported {
                file: file.to_string(),
                format: format!("{other:?}").to_uppercase(),
            });
        }
        // Formats the decoder does not know by their content, such as HEIC, by their name.
        None => {
            return Err(if super::has_extension(file, &super::REFUSED) {
                let extension = file.rsplit_once('.').map_or("", |(_, e)| e);
                ImageError::Unsupported {
                    file: file.to_string(),
                    format: extension.to_uppercase(),
                }
            } else {
                ImageError::NotAnImage {
                    file: file.to_string(),
                }
            });
        }
    };
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(damaged(
            file,
            &"the file ends before the picture does (is it complete?)",
        ));
    }
    let mut reader = reader;
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| codec(file, e))?;
    let (width, height) = decoder.dimensions();
    check_size(file, width, height, decoder.total_bytes())?;
    // A broken orientation tag or profile is no reason to refuse a photo: it is shown as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let profile = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(|e| codec(file, e))?;
    Ok(Decoded {
        image,
        format,
        width,
        height,
        orientation,
        profile,
    })
}

/// The image resized to each of `targets` (upright sizes, smallest first), turned upright,
/// converted to sRGB and encoded.
fn encode_sizes(
    file: &str,
    decoded: Decoded,
    encoding: Encoding,
    targets: Vec<(u32, u32)>,
) -> Result<Processed, ImageError> {
    let turned = decoded.turned();
    let Decoded {
        image,
        orientation,
        profile,
        ..
    } = decoded;
    let image = if encoding == Encoding::Jpeg || !has_transparency(&image) {
        DynamicImage::ImageRgb8(image.into_rgb8())
    } else {
        DynamicImage::ImageRgba8(image.into_rgba8())
    };
    let to_srgb = profile
        .as_deref()
        .and_then(|p| srgb_transform(p, image.color().has_alpha()));
    let mut resizer = Resizer::new();
    let mut sizes = Vec::new();
    // Largest first, each resized from the one before: a photo is resampled in full once,
    // the smaller sizes from a rendition a fraction of its size.
    let mut source = image;
    for (target_width, target_height) in targets.into_iter().rev() {
        let (w, h) = if turned {
            (target_height, target_width)
        } else {
            (target_width, target_height)
        };
        if (w, h) != (source.width(), source.height()) {
            let mut small = DynamicImage::new(w, h, source.color());
            let options =
                ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
            resizer
                .resize(&source, &mut small, &options)
                .map_err(|e| damaged(file, &e))?;
            source = small;
        }
        let mut size = source.clone();
        if let Some(transform) = &to_srgb {
            transform.apply(&mut size);
        }
        size.apply_orientation(orientation);
        sizes.push(Encoded {
            width: target_width,
            height: target_height,
            bytes: encode(file, &size, encoding)?,
        });
    }
    sizes.reverse();
    Ok(Processed::Renditions { encoding, sizes })
}

/// The decoder's own limit on what it allocates: a decoder that reads more than its header
/// before [`check_size`] still cannot allocate past it. Sides are left to `check_size`,
/// which says which numbers the file claims.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Refuses an image whose header claims more than the limits, before any pixel is decoded.
fn check_size(file: &str, width: u32, height: u32, bytes: u64) -> Result<(), ImageError> {
    let pixels = u64::from(width) * u64::from(height);
    let reason = if width > MAX_SIDE || height > MAX_SIDE {
        format!("{width} × {height} pixels; at most {MAX_SIDE} on a side are taken")
    } else if pixels > MAX_PIXELS || bytes > MAX_DECODE_BYTES {
        format!(
            "{width} × {height} pixels ({} megapixels, {} MiB decoded); at most {} megapixels are taken",
            pixels / 1_000_000,
            bytes >> 20,
            MAX_PIXELS / 1_000_000
        )
    } else if width == 0 || height == 0 {
        return Err(damaged(file, &"it has no pixels"));
    } else {
        return Ok(());
    };
    Err(ImageError::TooLarge {
        file: file.to_string(),
        reason,
    })
}

/// The sizes to make of an upright image: each of [`WIDTHS`] below its width, and its own
/// width up to the largest of them. Never larger than the image.
pub fn targets(width: u32, height: u32) -> Vec<(u32, u32)> {
    let largest = width.min(WIDTHS[WIDTHS.len() - 1]);
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < largest).collect();
    widths.push(largest);
    widths
        .into_iter()
        .map(|w| {
            let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width);
            (w, u32::try_from(h).unwrap_or(u32::MAX).max(1))
        })
        .collect()
}

/// Whether any pixel is less than opaque.
fn has_transparency(image: &DynamicImage) -> bool {
    match image {
        DynamicImage::ImageRgba8(i) => i.pixels().any(|p| p.0[3] < u8::MAX),
        DynamicImage::ImageLumaA8(i) => i.pixels().any(|p| p.0[1] < u8::MAX),
        other if other.color().has_alpha() => other.to_rgba8().pixels().any(|p| p.0[3] < u8::MAX),
        _ => false,
    }
}

/// Whether a JPEG, PNG or WebP file holds anything besides its pixels: EXIF, XMP, a colour
/// profile, comments, text. Unknown formats are taken to hold something.
pub fn carries_metadata(bytes: &[u8]) -> bool {
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        let mut rest = &bytes[12..];
        while rest.len() >= 8 {
            let kind = &rest[..4];
            if matches!(kind, b"EXIF" | b"XMP " | b"ICCP") {
                return true;
            }
            let length = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
            // Chunks are padded to an even length.
            let Some(next) = rest.get(length.saturating_add(9) & !1..) else {
                return false;
            };
            rest = next;
        }
        return false;
    }
    if let Some(mut rest) = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n") {
        while rest.len() >= 12 {
            let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            let kind = &rest[4..8];
            if !matches!(
                kind,
                b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" | b"pHYs"
            ) {
                return true;
            }
            let Some(next) = rest.get(length.saturating_add(12)..) else {
                return false;
            };
            rest = next;
        }
        return false;
    }
    if let Some(mut rest) = bytes.strip_prefix(&[0xFF, 0xD8]) {
        // Markers up to the start of the scan; APP0 is the plain JFIF header.
        while rest.len() >= 4 && rest[0] == 0xFF {
            let marker = rest[1];
            if marker == 0xDA {
                return false;
            }
            if (0xE1..=0xEF).contains(&marker) || marker == 0xFE {
                return true;
            }
            let length = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
            let Some(next) = rest.get(length + 2..) else {
                return false;
            };
            rest = next;
        }
        return false;
    }
    true
}

/// Whether a JPEG has the end marker after its first scan: the decoder fills a cut-off
/// picture with grey rather than fail.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    // Segments up to the scan carry their length, so a thumbnail inside one is skipped.
    while let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) {
        if marker == 0xDA {
            return bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        let Some(length) = bytes.get(at + 2..at + 4) else {
            return false;
        };
        at += 2 + usize::from(u16::from_be_bytes([length[0], length[1]]));
    }
    false
}

/// A conversion from an embedded colour profile to sRGB.
struct ToSrgb {
    transform: std::sync::Arc<moxcms::Transform8BitExecutor>,
}

impl ToSrgb {
    fn apply(&self, image: &mut DynamicImage) {
        let pixels = match image {
            DynamicImage::ImageRgb8(i) => i.as_mut(),
            DynamicImage::ImageRgba8(i) => i.as_mut(),
            _ => return,
        };
        let source = pixels.to_vec();
        // A profile moxcms took but cannot apply leaves the pixels as they were.
        let _ = self.transform.transform(&source, pixels);
    }
}

/// The conversion from the profile `icc` to sRGB; `None` when the profile cannot be read or
/// is not for RGB (the pixels are then taken as sRGB).
fn srgb_transform(icc: &[u8], alpha: bool) -> Option<ToSrgb> {
    let source = moxcms::ColorProfile::new_from_slice(icc).ok()?;
    let layout = if alpha {
        moxcms::Layout::Rgba
    } else {
        moxcms::Layout::Rgb
    };
    let transform = source
        .create_transform_8bit(
            layout,
            &moxcms::ColorProfile::new_srgb(),
            layout,
            moxcms::TransformOptions::default(),
        )
        .ok()?;
    Some(ToSrgb { transform })
}

/// Encodes with no metadata: the encoders write none unless asked.
fn encode(file: &str, image: &DynamicImage, encoding: Encoding) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    let result = match encoding {
        Encoding::Jpeg => {
            JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY).encode_image(image)
        }
        Encoding::Png => image.write_with_encoder(PngEncoder::new_with_quality(
            &mut bytes,
            CompressionType::Fast,
            image::codecs::png::FilterType::Adaptive,
        )),
        Encoding::WebP => {
            image.write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut bytes))
        }
    };
    result.map_err(|e| damaged(file, &e))?;
    Ok(bytes)
}

fn codec(file: &str, error: CodecError) -> ImageError {
    match error {
        CodecError::Limits(e) => ImageError::TooLarge {
            file: file.to_string(),
            reason: e.to_string(),
        },
        CodecError::Unsupported(e) => ImageError::Unsupported {
            file: file.to_string(),
            format: e.to_string(),
        },
        CodecError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            damaged(file, &"the file ends too soon (is it complete?)")
        }
        other => damaged(file, &other),
    }
}

fn damaged(file: &str, reason: &dyn std::fmt::Display) -> ImageError {
    ImageError::Damaged {
        file: file.to_string(),
        reason: reason.to_string(),
    }
}

fn unreadable(file: &str, reason: &dyn std::fmt::Display) -> ImageError {
    ImageError::Unreadable {
        file: file.to_string(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_never_upscale() {
        assert_eq!(targets(300, 200), [(300, 200)]);
        assert_eq!(targets(1000, 500), [(480, 240), (800, 400), (1000, 500)]);
        assert_eq!(targets(4000, 3000).last(), Some(&(1600, 1200)));
        assert_eq!(targets(4000, 3000).len(), WIDTHS.len());
    }

    #[test]
    fn bombs_are_refused_by_their_header() {
        let error = check_size("bom.png", 30_000, 30_000, 2_700_000_000).unwrap_err();
        assert!(matches!(error, ImageError::TooLarge { .. }), "{error}");
        assert!(check_size("ok.jpg", 4000, 3000, 36_000_000).is_ok());
        assert!(check_size("wide.jpg", 16_000, 6_000, 288_000_000).is_err());
    }

    #[test]
    fn metadata_is_found() {
        let mut plain = Vec::new();
        DynamicImage::new_rgb8(4, 4)
            .write_to(&mut Cursor::new(&mut plain), ImageFormat::Png)
            .unwrap();
        assert!(!carries_metadata(&plain));
        let mut jpeg = Vec::new();
        JpegEncoder::new(&mut jpeg)
            .encode_image(&DynamicImage::new_rgb8(4, 4))
            .unwrap();
        assert!(!carries_metadata(&jpeg));
        let mut with_exif = Vec::new();
        let mut encoder = JpegEncoder::new(&mut with_exif);
        image::ImageEncoder::set_exif_metadata(&mut encoder, b"MM\0*\0\0\0\x08\0\0".to_vec())
            .unwrap();
        encoder.encode_image(&DynamicImage::new_rgb8(4, 4)).unwrap();
        assert!(carries_metadata(&with_exif));
        assert!(carries_metadata(b"GIF89a"));
    }

    #[test]
    fn a_copy_is_stripped_only_when_it_carries_metadata() {
        let mut plain = Vec::new();
        DynamicImage::new_rgb8(900, 600)
            .write_to(&mut Cursor::new(&mut plain), ImageFormat::WebP)
            .unwrap();
        assert!(!carries_metadata(&plain));
        assert!(matches!(
            strip("plain.webp", &plain),
            Ok(Processed::AsIs { .. })
        ));
        // The same WebP with an EXIF chunk after its pixels.
        let mut with_exif = plain.clone();
        with_exif.extend(b"EXIF\x03\0\0\0MM\0\0");
        let riff = u32::try_from(with_exif.len() - 8).unwrap();
        with_exif[4..8].copy_from_slice(&riff.to_le_bytes());
        assert!(carries_metadata(&with_exif));
        let Ok(Processed::Renditions { encoding, sizes }) = strip("exif.webp", &with_exif) else {
            panic!("stripped");
        };
        assert_eq!(encoding, Encoding::WebP);
        assert_eq!(
            (sizes.len(), sizes[0].width, sizes[0].height),
            (1, 900, 600)
        );
        assert!(!carries_metadata(&sizes[0].bytes));
    }

    /// A flat colour, as a PNG with the Display P3 profile or with none.
    fn flat_png(profile: Option<Vec<u8>>) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = PngEncoder::new(&mut bytes);
        if let Some(icc) = profile {
            image::ImageEncoder::set_icc_profile(&mut encoder, icc).unwrap();
        }
        let pixels = image::RgbImage::from_pixel(600, 400, image::Rgb([100, 200, 100]));
        DynamicImage::ImageRgb8(pixels)
            .write_with_encoder(encoder)
            .unwrap();
        bytes
    }

    fn first_pixel(processed: &Processed) -> ([u8; 3], Vec<u8>) {
        let Processed::Renditions { sizes, .. } = processed else {
            panic!("renditions");
        };
        let bytes = sizes[0].bytes.clone();
        let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
        (image.get_pixel(0, 0).0, bytes)
    }

    #[test]
    fn colour_profiles_end_up_as_srgb() {
        let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
        let (plain, _) = first_pixel(&process("plain.png", &flat_png(None)).unwrap());
        assert_eq!(plain, [100, 200, 100]);
        let (converted, bytes) = first_pixel(&process("p3.png", &flat_png(Some(p3))).unwrap());
        assert!(
            converted[0] < 80 && converted[1] >= 200,
            "P3 green is more saturated in sRGB: {converted:?}"
        );
        assert!(!carries_metadata(&bytes), "no profile in the output");
    }

    #[test]
    fn hostile_bytes_are_errors() {
        assert!(matches!(
            process("x.jpg", b"hello, not an image"),
            Err(ImageError::NotAnImage { .. })
        ));
        let mut jpeg = Vec::new();
        JpegEncoder::new(&mut jpeg)
            .encode_image(&DynamicImage::new_rgb8(600, 400))
            .unwrap();
        let truncated = &jpeg[..jpeg.len() / 3];
        assert!(process("half.jpg", truncated).is_err());
        assert!(matches!(
            process("x.gif", b"GIF89a\x01\0\x01\0\0\0\0"),
            Err(ImageError::Unsupported { .. })
        ));
    }
}
