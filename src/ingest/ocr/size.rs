//! An image's pixel size and page count from its header alone (PNG, JPEG,
//! TIFF, BMP, WebP), read before Tesseract decodes anything, so a 20 000 ×
//! 20 000 image or a 2 000-page TIFF is refused by the `--ocr-max-pixels`
//! and `--ocr-max-pages` limits instead of being decoded.

/// Width, height (of the largest page) and page count; `None` where the
/// header is not one of these formats or is cut short (Tesseract then says
/// what is wrong with the file).
pub fn image_size(bytes: &[u8]) -> Option<(u64, u64, usize)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be(bytes, 16, 4)?, be(bytes, 20, 4)?, 1));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return jpeg(bytes).map(|(w, h)| (w, h, 1));
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return tiff(bytes);
    }
    if bytes.starts_with(b"BM") {
        let width = le(bytes, 18, 4)? as i32;
        let height = le(bytes, 22, 4)? as i32;
        return Some((width.unsigned_abs().into(), height.unsigned_abs().into(), 1));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return webp(bytes).map(|(w, h)| (w, h, 1));
    }
    None
}

fn be(b: &[u8], at: usize, n: usize) -> Option<u64> {
    Some(
        b.get(at..at + n)?
            .iter()
            .fold(0, |v, &x| v << 8 | u64::from(x)),
    )
}

fn le(b: &[u8], at: usize, n: usize) -> Option<u64> {
    Some(
        b.get(at..at + n)?
            .iter()
            .rev()
            .fold(0, |v, &x| v << 8 | u64::from(x)),
    )
}

/// The size in the first start-of-frame marker.
fn jpeg(b: &[u8]) -> Option<(u64, u64)> {
    let mut at = 2;
    loop {
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        let length = be(b, at + 2, 2)? as usize;
        // SOF0–SOF15, less DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            return Some((be(b, at + 7, 2)?, be(b, at + 5, 2)?));
        }
        at += 2 + length;
    }
}

/// Every IFD of the chain: the largest width and height, and the count.
fn tiff(b: &[u8]) -> Option<(u64, u64, usize)> {
    let read = |at: usize, n: usize| {
        if b[0] == b'I' {
            le(b, at, n)
        } else {
            be(b, at, n)
        }
    };
    let (mut width, mut height, mut pages) = (0, 0, 0);
    let mut ifd = read(4, 4)? as usize;
    let mut seen = std::collections::HashSet::new();
    // A chain that comes back to an IFD it passed ends there.
    while ifd != 0 && seen.insert(ifd) {
        let entries = read(ifd, 2)? as usize;
        for k in 0..entries {
            let entry = ifd + 2 + 12 * k;
            let tag = read(entry, 2)?;
            let kind = read(entry + 2, 2)?;
            let value = if kind == 3 {
                read(entry + 8, 2)?
            } else {
                read(entry + 8, 4)?
            };
            match tag {
                256 => width = width.max(value),
                257 => height = height.max(value),
                _ => {}
            }
        }
        pages += 1;
        ifd = read(ifd + 2 + 12 * entries, 4)? as usize;
    }
    Some((width, height, pages))
}

/// VP8 (lossy), VP8L (lossless) and VP8X (extended) headers.
fn webp(b: &[u8]) -> Option<(u64, u64)> {
    match b.get(12..16)? {
        b"VP8 " => Some((le(b, 26, 2)? & 0x3FFF, le(b, 28, 2)? & 0x3FFF)),
        b"VP8L" => {
            let bits = le(b, 21, 4)?;
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le(b, 24, 3)? + 1, le(b, 27, 3)? + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::image_size;

    #[test]
    fn headers_give_sizes_and_pages() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&30_000u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((20_000, 30_000, 1)));

        // A little-endian TIFF of three IFDs, the second the largest.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        for (k, (w, h)) in [(100u32, 200u32), (2_480, 3_508), (10, 10)]
            .iter()
            .enumerate()
        {
            let next = if k == 2 {
                0
            } else {
                tiff.len() as u32 + 2 + 2 * 12 + 4
            };
            tiff.extend_from_slice(&2u16.to_le_bytes());
            for (tag, value) in [(256u16, *w), (257, *h)] {
                tiff.extend_from_slice(&tag.to_le_bytes());
                tiff.extend_from_slice(&4u16.to_le_bytes());
                tiff.extend_from_slice(&1u32.to_le_bytes());
                tiff.extend_from_slice(&value.to_le_bytes());
            }
            tiff.extend_from_slice(&next.to_le_bytes());
        }
        assert_eq!(image_size(&tiff), Some((2_480, 3_508, 3)));

        let mut bmp = b"BM".to_vec();
        bmp.resize(18, 0);
        bmp.extend_from_slice(&640i32.to_le_bytes());
        bmp.extend_from_slice(&(-480i32).to_le_bytes());
        assert_eq!(image_size(&bmp), Some((640, 480, 1)));

        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 17, 8, 0x01, 0xE0, 0x02, 0x80,
        ];
        assert_eq!(image_size(&jpeg), Some((640, 480, 1)));

        assert_eq!(image_size(b""), None);
        assert_eq!(image_size(b"II*\0"), None);
        assert_eq!(image_size(b"\x89PNG\r\n\x1a\n"), None);
    }
}
