//! Property tests: the recogniser never panics and its output is well-formed.
use nerpipe::recognise::amounts::*;
use proptest::prelude::*;

fn check(text: &str) -> Result<(), TestCaseError> {
    check_in(text, None)?;
    check_in(text, Some("hr"))?;
    check_in(text, Some("sr"))?;
    check_in(text, Some("en"))
}

fn check_in(text: &str, language: Option<&str>) -> Result<(), TestCaseError> {
    let ms = find_amounts_in(text, language);
    let mut prev_end = 0;
    for m in &ms {
        prop_assert!(m.start < m.end, "empty span {m:?}");
        prop_assert!(m.end <= text.len());
        prop_assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "{m:?}"
        );
        prop_assert!(m.start >= prev_end, "overlap or unsorted: {ms:?}");
        prev_end = m.end;
        for v in std::iter::once(&m.value).chain(m.value_max.as_ref()) {
            prop_assert!(is_decimal(v), "bad value {v:?} in {m:?}");
        }
        prop_assert!(!m.unit.is_empty());
        let _ = m.canonical();
    }
    Ok(())
}

/// Digits with at most one '.', no leading zeros (except "0.x"), no trailing
/// zeros after '.', no trailing '.'.
fn is_decimal(v: &str) -> bool {
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(|f| digits(f) && !f.ends_with('0'))
}

/// Pieces that exercise the number/currency/unit paths.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("0"),
        Just("1"),
        Just("5"),
        Just("12"),
        Just("234"),
        Just("2021"),
        Just("000"),
        Just(","),
        Just("."),
        Just(" "),
        Just("\u{a0}"),
        Just("\u{202f}"),
        Just("\u{2009}"),
        Just("-"),
        Just("–"),
        Just("/"),
        Just(":"),
        Just("+"),
        Just("%"),
        Just("²"),
        Just("€"),
        Just("$"),
        Just("£"),
        Just("¥"),
        Just("₽"),
        Just("US$"),
        Just("C$"),
        Just("USD"),
        Just("EUR"),
        Just("KM"),
        Just("ALL"),
        Just("RSD"),
        Just("million"),
        Just("bn"),
        Just("m"),
        Just("k"),
        Just("mln"),
        Just("half"),
        Just("a"),
        Just("dozen"),
        Just("twenty"),
        Just("-five"),
        Just("one"),
        Just("hundred"),
        Just("and"),
        Just("between"),
        Just("to"),
        Just("more than"),
        Just("up to"),
        Just("some"),
        Just("tonnes"),
        Just("kg"),
        Just("km"),
        Just("pounds"),
        Just("of"),
        Just("per"),
        Just("cent"),
        Just("percentage"),
        Just("points"),
        Just("years"),
        Just("-year-old"),
        Just("hours"),
        Just("suspects"),
        Just("people"),
        Just("police"),
        Just("officers"),
        Just("Kuwaiti"),
        Just("dinars"),
        Just("U.S."),
        Just("dollars"),
        Just("Storage"),
        Just("The"),
        Just("said"),
        Just("\n"),
        Just("\n\n"),
        Just("Š"),
        Just("ë"),
        Just("日本"),
        Just("🙂"),
        Just("milijuna"),
        Just("милиона"),
        Just("tisuću"),
        Just("pet"),
        Just("dvije"),
        Just("pola"),
        Just("eura"),
        Just("евра"),
        Just("KM"),
        Just("tona"),
        Just("posto"),
        Just("одсто"),
        Just("između"),
        Just("i"),
        Just("od"),
        Just("do"),
        Just("oko"),
        Just("više od"),
        Just("telefona"),
        Just("osoba"),
        Just("novih"),
        Just("mlrd."),
        Just("½"),
        Just(" 1/2"),
        Just("quarters of a"),
        Just("cents"),
        Just("satoshi"),
        Just("hk $"),
        Just("square"),
        Just("feet"),
        Just("-inch"),
        Just("("),
        Just("”"),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>()) {
        check(&s)?;
    }

    #[test]
    fn amount_soup_is_well_formed(s in soup()) {
        check(&s)?;
    }

    #[test]
    fn char_class_soup_is_well_formed(s in "[0-9 ,.\u{a0}\u{202f}€$£a-zA-Z%²\\-–/:+]{0,60}") {
        check(&s)?;
    }

    #[test]
    fn embedded_in_prose(prefix in soup(), suffix in soup()) {
        let s = format!("{prefix} Police seized more than €4.5 billion and 70\u{a0}000 phones. {suffix}");
        check(&s)?;
    }
}
