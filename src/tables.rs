//! The data tables nerpipe ships (lemma rules, amount words and units,
//! language markers, abbreviations): tab-separated rows, with `#` comment
//! lines and blank lines between them.

/// The rows of a tab-separated table, each split at its tabs; comment
/// lines (`#`) and blank lines skipped.
pub fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let rows: Vec<Vec<&str>> =
            super::rows("# a comment\nkuna\tHRK\n\n  \nevro\tEUR\t\n").collect();
        assert_eq!(rows, [vec!["kuna", "HRK"], vec!["evro", "EUR", ""]]);
    }
}
