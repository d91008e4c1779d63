//! Plain text in the encodings the region's files come in: UTF-8, UTF-16
//! with a byte-order mark (Windows Notepad's "Unicode"), and the legacy
//! single-byte code pages (windows-1250, ISO-8859-2, windows-1251, ...),
//! told apart by chardetng, Firefox's detector.

/// Text and the name of the encoding it was decoded from (lower case, as
/// the WHATWG Encoding Standard names it: `utf-8`, `utf-16le`,
/// `windows-1250`, `iso-8859-2`).
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), String> {
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => std::str::from_utf8(rest)
            .map(|s| (s.to_string(), "utf-8"))
            .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to() + 3)),
        [0xFF, 0xFE, rest @ ..] | [0xFE, 0xFF, rest @ ..] if rest.len() % 2 == 0 => {
            let little = bytes[0] == 0xFF;
            let units = rest.chunks_exact(2).map(|p| {
                if little {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map(|s| (s, if little { "utf-16le" } else { "utf-16be" }))
                .map_err(|_| {
                    "invalid UTF-16 text (unpaired surrogate): convert the file to UTF-8"
                        .to_string()
                })
        }
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
            Err("UTF-16 text with an odd number of bytes: convert the file to UTF-8".into())
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((s.to_string(), "utf-8")),
            Err(e) => legacy(bytes, e.valid_up_to()),
        },
    }
}

/// Text that is not UTF-8: the single-byte code page chardetng finds most
/// likely, if the bytes decode in it without undefined bytes and without
/// control characters (which would make it binary, not text).
fn legacy(bytes: &[u8], utf8_error_at: usize) -> Result<(String, &'static str), String> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let control = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'));
    if had_errors || !encoding.is_single_byte() || control.is_some() {
        return Err(format!(
            "invalid UTF-8 at byte {utf8_error_at}, and not text in a legacy code page either (best guess {} fails): convert the file to UTF-8",
            encoding.name().to_ascii_lowercase()
        ));
    }
    Ok((text.into_owned(), encoding_name(encoding)))
}

/// The encoding's name in lower case, for documents.csv.
pub(super) fn encoding_name(encoding: &'static encoding_rs::Encoding) -> &'static str {
    const NAMES: &[(&encoding_rs::Encoding, &str)] = &[
        (encoding_rs::WINDOWS_1250, "windows-1250"),
        (encoding_rs::WINDOWS_1251, "windows-1251"),
        (encoding_rs::WINDOWS_1252, "windows-1252"),
        (encoding_rs::WINDOWS_1253, "windows-1253"),
        (encoding_rs::WINDOWS_1254, "windows-1254"),
        (encoding_rs::WINDOWS_1257, "windows-1257"),
        (encoding_rs::ISO_8859_2, "iso-8859-2"),
        (encoding_rs::ISO_8859_5, "iso-8859-5"),
        (encoding_rs::ISO_8859_7, "iso-8859-7"),
        (encoding_rs::ISO_8859_13, "iso-8859-13"),
        (encoding_rs::ISO_8859_15, "iso-8859-15"),
        (encoding_rs::ISO_8859_16, "iso-8859-16"),
        (encoding_rs::KOI8_R, "koi8-r"),
        (encoding_rs::KOI8_U, "koi8-u"),
        (encoding_rs::IBM866, "ibm866"),
        (encoding_rs::UTF_8, "utf-8"),
    ];
    NAMES
        .iter()
        .find(|(e, _)| *e == encoding)
        .map(|(_, n)| *n)
        .unwrap_or("legacy")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFBar").unwrap(), ("Bar".into(), "utf-8"));
        assert_eq!(
            decode(&[0xFF, 0xFE, b'B', 0, 0x61, 0x01]).unwrap(),
            ("Bš".into(), "utf-16le")
        );
        assert_eq!(
            decode(&[0xFE, 0xFF, 0, b'B']).unwrap(),
            ("B".into(), "utf-16be")
        );
        assert_eq!(
            decode(&[0xFF, 0xFE, b'B']).unwrap_err(),
            "UTF-16 text with an odd number of bytes: convert the file to UTF-8"
        );
    }

    #[test]
    fn the_regions_code_pages() {
        // "Šarić i Žužul platili su 5 milijuna kuna" in each code page.
        let text = "Policija je uhitila Darka Šarića i Željka Žužula, koji su platili pet milijuna kuna za šest čamaca u luci Split.";
        for (encoding, name) in [
            (encoding_rs::WINDOWS_1250, "windows-1250"),
            (encoding_rs::ISO_8859_2, "iso-8859-2"),
        ] {
            let (bytes, _, _) = encoding.encode(text);
            assert_eq!(decode(&bytes).unwrap(), (text.to_string(), name), "{name}");
        }
        let serbian = "Полиција је ухапсила Дарка Шарића у Новом Саду због шверца кокаина.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(serbian);
        assert_eq!(
            decode(&bytes).unwrap(),
            (serbian.to_string(), "windows-1251")
        );
    }

    #[test]
    fn binary_is_not_text() {
        let err = decode(b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe binary").unwrap_err();
        assert!(
            err.starts_with("invalid UTF-8 at byte 10, and not text in a legacy code page either"),
            "{err}"
        );
    }
}
