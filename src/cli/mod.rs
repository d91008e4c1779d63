//! Checks of numeric command-line values, run by clap at parse time so that a
//! bad value is refused with the option's name (exit 2) before anything is
//! loaded or written. One table of ranges, one checker per number kind.

/// Range of a whole-number option, inclusive.
pub struct WholeRange {
    pub min: u64,
    pub max: u64,
}

/// Range of a real-number option; `max_open` excludes `max` itself.
pub struct RealRange {
    pub min: f64,
    pub max: f64,
    pub max_open: bool,
}

// Why these bounds: 0 is never meaningful (libtorch panics on 0 threads, a
// batch or chunk of 0 never ends); the upper bounds stop values that only a
// typo gives from exhausting memory.
pub const COUNT: WholeRange = WholeRange {
    min: 1,
    max: 1_000_000_000,
};
pub const THREADS: WholeRange = WholeRange { min: 1, max: 1024 };
pub const BATCH: WholeRange = WholeRange {
    min: 1,
    max: 65_536,
};
pub const WINDOW: WholeRange = WholeRange {
    min: 8,
    max: 65_536,
};
pub const OVERLAP: WholeRange = WholeRange {
    min: 0,
    max: 65_536,
};
pub const BYTES: WholeRange = WholeRange {
    min: 1,
    max: u64::MAX,
};
pub const PROBABILITY: RealRange = RealRange {
    min: 0.0,
    max: 1.0,
    max_open: false,
};
pub const FRACTION_BELOW_ONE: RealRange = RealRange {
    min: 0.0,
    max: 1.0,
    max_open: true,
};
pub const LEARNING_RATE: RealRange = RealRange {
    min: 1e-12,
    max: 1.0,
    max_open: false,
};
pub const NON_NEGATIVE: RealRange = RealRange {
    min: 0.0,
    max: 1e6,
    max_open: false,
};

impl WholeRange {
    pub fn check(&self, text: &str) -> Result<u64, String> {
        let n: u64 = text.trim().parse().map_err(|_| {
            format!(
                "{text:?} is not a whole number (expected {}..={})",
                self.min, self.max
            )
        })?;
        if n < self.min || n > self.max {
            return Err(format!(
                "{n} is out of range: give a whole number in {}..={}",
                self.min, self.max
            ));
        }
        Ok(n)
    }
}

impl RealRange {
    pub fn check(&self, text: &str) -> Result<f64, String> {
        let x: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not a number"))?;
        let above = if self.max_open {
            x >= self.max
        } else {
            x > self.max
        };
        if !x.is_finite() || x < self.min || above {
            let close = if self.max_open { ")" } else { "]" };
            return Err(format!(
                "{text} is out of range: give a finite number in [{}, {}{close}",
                self.min, self.max
            ));
        }
        Ok(x)
    }
}

fn usize_in(range: &WholeRange, text: &str) -> Result<usize, String> {
    range
        .check(text)
        .and_then(|n| usize::try_from(n).map_err(|_| format!("{n} is too large")))
}

pub fn count(text: &str) -> Result<usize, String> {
    usize_in(&COUNT, text)
}
/// `--model-for LANG=FOLDER`: an ISO 639-1 code and a model folder.
pub fn model_for(text: &str) -> Result<(String, std::path::PathBuf), String> {
    let Some((language, dir)) = text.split_once('=') else {
        return Err(format!(
            "{text:?}: give LANG=FOLDER, e.g. en=models/conll03-minilm-l6"
        ));
    };
    if dir.trim().is_empty() {
        return Err(format!("{text:?}: the model folder after '=' is missing"));
    }
    Ok((
        crate::ingest::language::parse_code(language)?,
        std::path::PathBuf::from(dir),
    ))
}
pub fn threads(text: &str) -> Result<usize, String> {
    usize_in(&THREADS, text)
}
pub fn batch(text: &str) -> Result<usize, String> {
    usize_in(&BATCH, text)
}
pub fn window(text: &str) -> Result<usize, String> {
    usize_in(&WINDOW, text)
}
pub fn overlap(text: &str) -> Result<usize, String> {
    usize_in(&OVERLAP, text)
}
pub fn bytes(text: &str) -> Result<u64, String> {
    BYTES.check(text)
}
pub fn probability(text: &str) -> Result<f32, String> {
    PROBABILITY.check(text).map(|x| x as f32)
}
pub fn probability_f64(text: &str) -> Result<f64, String> {
    PROBABILITY.check(text)
}
pub fn fraction_below_one(text: &str) -> Result<f64, String> {
    FRACTION_BELOW_ONE.check(text)
}
pub fn learning_rate(text: &str) -> Result<f64, String> {
    LEARNING_RATE.check(text)
}
pub fn non_negative(text: &str) -> Result<f64, String> {
    NON_NEGATIVE.check(text)
}

/// `--ocr-languages`: Tesseract model names (letters, digits, `_`) joined
/// with `+`, e.g. `hrv+srp+srp_latn+bos+eng`.
pub fn ocr_languages(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.split('+')
            .all(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a list of Tesseract models joined with + (e.g. hrv+srp+srp_latn+bos+eng; `tesseract --list-langs` shows what is installed)"
        ))
    }
}

/// Cores this process may run on (1 when unknown): the default of
/// `--threads`.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(count("0").unwrap_err().contains("1..="));
        assert!(count("-3").is_err());
        assert_eq!(count(" 7 ").unwrap(), 7);
        assert!(probability("NaN").unwrap_err().contains("finite"));
        assert!(probability("2").is_err());
        assert!(probability("inf").is_err());
        assert_eq!(probability("0.5").unwrap(), 0.5);
        assert!(fraction_below_one("1").is_err());
        assert!(threads("0").is_err());
        assert!(window("7").is_err());
    }
}
