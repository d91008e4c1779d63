//! Whole-article evaluation on the region's dev data (`make regional-eval`):
//! span F1, entity grouping of case forms and canonical names, for hr, sr
//! and sr in Cyrillic.
//!
//! Usage: `regional_eval [DATA] [--bin PATH] [--work DIR] [--sets hr,sr,sr-cyrl] [--reuse] [-- RUN OPTIONS]`
//! (DATA defaults to `../shared/datasets`, the binary to
//! `target/release/nerpipe`, the work folder to `target/regional-eval`;
//! options after `--` go to every `nerpipe run`).
//! `--reuse` scores the outputs a previous call left in the work folder
//! instead of running again. `SHOW=1` prints every split inflected name,
//! every run entity holding several gold groups and every wrong canonical.
//!
//! **Articles.** `ud-{hr,sr}-set/*-dev.conllu` give each token's form, lemma
//! and `SpaceAfter=No`, and `# newdoc id` groups its sentences into articles;
//! `uner-{hr,sr}-set/*-dev.iob2` give the PER/ORG/LOC tags of the same
//! sentences (`sent_id`s match; OTH is dropped, as the UNER benchmark does).
//! An article's text is its sentences in order, tokens joined with a space
//! unless UD says `SpaceAfter=No`, sentences joined with one space, the first
//! sentence (the headline) followed by a blank line instead. "sr-cyrl" is the
//! sr set with every token and lemma transliterated by
//! `nerpipe::doc::script::latin_to_cyrillic` (as `nerpipe eval --cyrillic`).
//! Each article is a `.txt` file; the built binary runs over them as
//! `nerpipe run --corpus DIR --out DIR --quiet --no-report --no-sqlite`, all
//! other options at their defaults, and its `mentions.csv`/`entities.csv` are
//! read back.
//!
//! **Gold.** Every gold span has its character offsets, its type and its
//! lemma: the UD lemmas of its tokens joined with spaces. The gold grouping
//! of a set (all its articles together) puts spans with the same lower-cased
//! lemma in one group ("Darka Šarića" and "Darko Šarić" → "darko šarić"); a
//! span starting with a possessive adjective (UD `Poss=Yes`: "Šarićev",
//! lemma "šarićev"; "HDZ-ova", lemma "HDZ-ov") is grouped with the name it
//! is made from ("šarić", "hdz"), as nerpipe attaches possessives to it.
//!
//! **Measures** (per set):
//! - *span P/R/F1*: run mentions labelled PERSON/ORGANISATION/PLACE (as
//!   PER/ORG/LOC) against the gold spans; a true positive has the same
//!   article, start, end and type.
//! - *found mentions*: run mentions of any label but AMOUNT whose article,
//!   start and end equal a gold span's (type ignored); each carries its gold
//!   lemma group and its run entity (`entity_id`).
//! - *B-cubed, all*: over the found mentions M, for each m: precision
//!   |E(m) ∩ G(m)| / |E(m)|, recall |E(m) ∩ G(m)| / |G(m)|, with E(m) the found
//!   mentions in m's run entity and G(m) those in m's gold group; averaged
//!   over M, F1 their harmonic mean.
//! - *B-cubed, all, surnames linked*: the same, with a one-word PER gold
//!   lemma that is the last word of exactly one multi-word PER lemma of its
//!   article grouped with that person ("Sanadera" with "Ivo Sanader"), as
//!   nerpipe and a reader group them (the lemma grouping keeps them apart).
//! - *B-cubed, inflected*: the same over the found mentions whose gold group
//!   is written in 2+ distinct surface forms among the set's found mentions
//!   ("Beograd", "Beogradu"), E and G restricted to them.
//! - *canonical = nominative*: gold groups whose lemma is one capitalised
//!   word (a proper name: not "vlada" for "Vlade") and with a
//!   found mention written otherwise (compared case-insensitively: "Beogradu"
//!   for "Beograd"); right when the run entity holding most of the group's
//!   found mentions (first on ties) has the lemma as its canonical, or as
//!   the last word of its canonical (a surname linked to the full name:
//!   "Sanadera" in the entity "Ivo Sanader"), compared case-insensitively.
use nerpipe::doc::script::latin_to_cyrillic;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Token {
    form: String,
    lemma: String,
    space_after: bool,
    tag: String,
    /// UD `Poss=Yes`: a possessive adjective ("Šarićev").
    possessive: bool,
}

struct Article {
    id: String,
    sentences: Vec<Vec<Token>>,
}

/// A gold span or a run mention, in one article.
#[derive(Clone)]
struct Span {
    doc: String,
    start: usize,
    end: usize,
    kind: String,
    /// Gold: the lower-cased lemma; run: the entity id.
    group: String,
    text: String,
    /// Gold: the lemma as written.
    lemma: String,
}

fn parse_conllu(text: &str) -> Vec<Article> {
    let mut out: Vec<Article> = Vec::new();
    let mut sentence: Vec<Token> = Vec::new();
    for line in text.lines() {
        if let Some(id) = line.strip_prefix("# newdoc id") {
            let id = id.trim_start_matches([' ', '=']).trim().to_string();
            out.push(Article {
                id,
                sentences: Vec::new(),
            });
        } else if line.starts_with('#') {
        } else if line.trim().is_empty() {
            if !sentence.is_empty() {
                let s = std::mem::take(&mut sentence);
                out.last_mut().expect("newdoc first").sentences.push(s);
            }
        } else {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 10 || cols[0].contains(['-', '.']) {
                continue;
            }
            sentence.push(Token {
                form: cols[1].to_string(),
                lemma: cols[2].to_string(),
                space_after: !cols[9].contains("SpaceAfter=No"),
                tag: "O".to_string(),
                possessive: cols[5].contains("Poss=Yes"),
            });
        }
    }
    if !sentence.is_empty() {
        out.last_mut()
            .expect("newdoc first")
            .sentences
            .push(sentence);
    }
    out
}

/// UNER tags by sentence, in sentence order.
fn parse_iob2(text: &str) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut sentence = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if !sentence.is_empty() {
                out.push(std::mem::take(&mut sentence));
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let tag = cols.get(2).copied().unwrap_or("O");
        let tag = if tag.ends_with("OTH") { "O" } else { tag };
        sentence.push((cols[1].to_string(), tag.to_string()));
    }
    if !sentence.is_empty() {
        out.push(sentence);
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The dev articles of `lang` with UNER tags on their tokens.
fn load(data: &Path, lang: &str, cyrillic: bool) -> Vec<Article> {
    let ud = data.join(format!("ud-{lang}-set/{lang}_set-ud-dev.conllu"));
    let uner = data.join(format!("uner-{lang}-set/{lang}_set-ud-dev.iob2"));
    let mut articles = parse_conllu(&read(&ud));
    let tags = parse_iob2(&read(&uner));
    let mut it = tags.into_iter();
    for s in articles.iter_mut().flat_map(|a| a.sentences.iter_mut()) {
        let t = it.next().expect("as many UNER sentences as UD ones");
        assert_eq!(t.len(), s.len(), "UD and UNER tokens differ");
        for (tok, (form, tag)) in s.iter_mut().zip(t) {
            assert_eq!(tok.form, form, "UD and UNER tokens differ");
            tok.tag = tag;
            if cyrillic {
                tok.form = latin_to_cyrillic(&tok.form);
                tok.lemma = latin_to_cyrillic(&tok.lemma);
            }
        }
    }
    articles
}

/// The gold group of a lemma: lower-cased; a possessive adjective groups
/// with its owner, as nerpipe attaches possessives to the name they are made
/// from: "-ov"/"-ev" after a consonant stem ("šarićev" → "šarić", "hdz-ov"
/// → "hdz", "audijev" → "audi"), "-in" after an a-stem ("maradonin" →
/// "maradona", "marijin" → "marija").
fn group_of(lemma: &str, possessive: bool) -> String {
    let lower = lemma.to_lowercase();
    if !possessive {
        return lower;
    }
    for suffix in ["ov", "ev", "ов", "ев"] {
        if let Some(base) = lower.strip_suffix(suffix) {
            let base = base.trim_end_matches('-');
            // "Audi" → "Audijev": the j between a final i and the suffix.
            for (ij, i) in [("ij", "i"), ("иј", "и")] {
                if let Some(stem) = base.strip_suffix(ij) {
                    return format!("{stem}{i}");
                }
            }
            return base.to_string();
        }
    }
    for (suffix, a) in [("in", "a"), ("ин", "а")] {
        if let Some(base) = lower.strip_suffix(suffix) {
            return format!("{}{a}", base.trim_end_matches('-'));
        }
    }
    lower
}

/// An article's text and its gold spans.
fn build(a: &Article) -> (String, Vec<Span>) {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut spans: Vec<Span> = Vec::new();
    let mut push = |text: &mut String, s: &str| {
        text.push_str(s);
        chars += s.chars().count();
        chars
    };
    for (n, sentence) in a.sentences.iter().enumerate() {
        if n == 1 {
            push(&mut text, "\n\n");
        } else if n > 1 {
            push(&mut text, " ");
        }
        let mut open: Option<Span> = None;
        for (i, tok) in sentence.iter().enumerate() {
            let inside = tok.tag.starts_with("I-") && open.is_some();
            if !inside {
                spans.extend(open.take());
            }
            let start = push(&mut text, "");
            let end = push(&mut text, &tok.form);
            if let Some(sp) = open.as_mut().filter(|_| inside) {
                sp.end = end;
                sp.lemma.push(' ');
                sp.lemma.push_str(&tok.lemma);
            } else if tok.tag != "O" {
                let kind = match &tok.tag[2..] {
                    k if tok.possessive => format!("POSS-{k}"),
                    k => k.to_string(),
                };
                open = Some(Span {
                    doc: format!("{}.txt", a.id),
                    start,
                    end,
                    kind,
                    group: String::new(),
                    text: String::new(),
                    lemma: tok.lemma.clone(),
                });
            }
            if tok.space_after && i + 1 < sentence.len() {
                push(&mut text, " ");
            }
        }
        spans.extend(open.take());
    }
    let chars: Vec<char> = text.chars().collect();
    for sp in &mut spans {
        sp.text = chars[sp.start..sp.end].iter().collect();
        if let Some(kind) = sp.kind.strip_prefix("POSS-") {
            sp.group = group_of(&sp.lemma, true);
            sp.kind = kind.to_string();
        } else {
            sp.group = group_of(&sp.lemma, false);
        }
    }
    (text, spans)
}

/// Runs the binary over the articles; returns the run's mentions and the
/// canonical name of each entity.
fn run(
    (bin, run_args): (&Path, &[String]),
    work: &Path,
    docs: &[(String, String)],
    reuse: bool,
) -> (Vec<Span>, HashMap<String, String>) {
    let corpus = work.join("corpus");
    let out = work.join("out");
    if !(reuse && out.join("entities.csv").exists()) {
        run_binary((bin, run_args), &corpus, &out, docs);
    }
    read_run(&out)
}

fn run_binary(
    (bin, run_args): (&Path, &[String]),
    corpus: &Path,
    out: &Path,
    docs: &[(String, String)],
) {
    for dir in [corpus, out] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).expect("clear work folder");
        }
    }
    std::fs::create_dir_all(corpus).expect("work folder");
    for (id, text) in docs {
        std::fs::write(corpus.join(id), text).expect("write article");
    }
    let status = Command::new(bin)
        .args(["run", "--quiet", "--no-report", "--no-sqlite", "--corpus"])
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .args(run_args)
        .status()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert!(status.success(), "nerpipe run failed: {status}");
}

fn read_run(out: &Path) -> (Vec<Span>, HashMap<String, String>) {
    let mut mentions = Vec::new();
    let mut r = csv::Reader::from_path(out.join("mentions.csv")).expect("mentions.csv");
    let h = r.headers().expect("header").clone();
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let (d, e, l, t, s, x) = (
        col("doc_id"),
        col("entity_id"),
        col("label"),
        col("text"),
        col("start"),
        col("end"),
    );
    for row in r.records() {
        let row = row.expect("mentions.csv row");
        let kind = match &row[l] {
            "PERSON" => "PER",
            "ORGANISATION" => "ORG",
            "PLACE" => "LOC",
            "AMOUNT" => continue,
            _ => "MISC",
        };
        mentions.push(Span {
            doc: row[d].to_string(),
            start: row[s].parse().expect("start"),
            end: row[x].parse().expect("end"),
            kind: kind.to_string(),
            group: row[e].to_string(),
            text: row[t].to_string(),
            lemma: String::new(),
        });
    }
    let mut canonical = HashMap::new();
    let mut r = csv::Reader::from_path(out.join("entities.csv")).expect("entities.csv");
    for row in r.records() {
        let row = row.expect("entities.csv row");
        canonical.insert(row[0].to_string(), row[2].to_string());
    }
    (mentions, canonical)
}

struct Prf {
    p: f64,
    r: f64,
}

impl Prf {
    fn f1(&self) -> f64 {
        if self.p + self.r == 0.0 {
            0.0
        } else {
            2.0 * self.p * self.r / (self.p + self.r)
        }
    }

    fn cell(&self) -> String {
        format!("{:.3} ({:.3} / {:.3})", self.f1(), self.p, self.r)
    }
}

fn span_prf(gold: &[Span], run: &[Span]) -> Prf {
    let key = |s: &Span| (s.doc.clone(), s.start, s.end, s.kind.clone());
    let gold_set: HashSet<_> = gold.iter().map(key).collect();
    let pred: Vec<_> = run.iter().filter(|s| s.kind != "MISC").map(key).collect();
    let tp = pred.iter().filter(|k| gold_set.contains(*k)).count() as f64;
    Prf {
        p: tp / pred.len().max(1) as f64,
        r: tp / gold_set.len().max(1) as f64,
    }
}

/// Prints the gold spans the run missed and the run's spans that are not gold.
fn show_span_errors(gold: &[Span], run: &[Span]) {
    let key = |s: &Span| (s.doc.clone(), s.start, s.end, s.kind.clone());
    let gold_set: HashSet<_> = gold.iter().map(key).collect();
    let run_set: HashSet<_> = run.iter().filter(|s| s.kind != "MISC").map(key).collect();
    for g in gold.iter().filter(|g| !run_set.contains(&key(g))) {
        println!("  missed {} {:?} in {}", g.kind, g.text, g.doc);
    }
    for m in run
        .iter()
        .filter(|m| m.kind != "MISC" && !gold_set.contains(&key(m)))
    {
        println!("  extra {} {:?} in {}", m.kind, m.text, m.doc);
    }
}

/// Found mentions: (gold span, run entity id).
fn found<'a>(gold: &'a [Span], run: &[Span]) -> Vec<(&'a Span, String)> {
    let by_pos: HashMap<(&str, usize, usize), &Span> = gold
        .iter()
        .map(|g| ((g.doc.as_str(), g.start, g.end), g))
        .collect();
    run.iter()
        .filter_map(|m| {
            let g = by_pos.get(&(m.doc.as_str(), m.start, m.end))?;
            Some((*g, m.group.clone()))
        })
        .collect()
}

fn bcubed(items: &[(&Span, String)]) -> Prf {
    let mut pred: HashMap<&str, usize> = HashMap::new();
    let mut gold: HashMap<&str, usize> = HashMap::new();
    let mut both: HashMap<(&str, &str), usize> = HashMap::new();
    for (g, e) in items {
        *pred.entry(e).or_default() += 1;
        *gold.entry(&g.group).or_default() += 1;
        *both.entry((e, &g.group)).or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for (g, e) in items {
        let common = both[&(e.as_str(), g.group.as_str())] as f64;
        p += common / pred[e.as_str()] as f64;
        r += common / gold[g.group.as_str()] as f64;
    }
    let n = items.len().max(1) as f64;
    Prf { p: p / n, r: r / n }
}

/// Gold groups whose found mentions have 2+ distinct surface forms.
fn inflected_groups(items: &[(&Span, String)]) -> HashSet<String> {
    let mut forms: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (g, _) in items {
        forms.entry(&g.group).or_default().insert(&g.text);
    }
    forms
        .into_iter()
        .filter(|(_, f)| f.len() >= 2)
        .map(|(g, _)| g.to_string())
        .collect()
}

/// A one-word lemma written with a capital: a proper name.
fn proper(lemma: &str) -> bool {
    !lemma.contains(' ') && lemma.chars().next().is_some_and(char::is_uppercase)
}

/// (right, total) for canonical = nominative; prints the misses with SHOW.
fn canonical_score(
    items: &[(&Span, String)],
    canonical: &HashMap<String, String>,
    show: bool,
) -> (usize, usize) {
    let seen_inflected: HashSet<&str> = items
        .iter()
        .filter(|(g, _)| proper(&g.lemma) && g.text.to_lowercase() != g.group)
        .map(|(g, _)| g.group.as_str())
        .collect();
    let mut votes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (g, e) in items {
        if seen_inflected.contains(g.group.as_str()) {
            votes.entry(&g.group).or_default().push(e);
        }
    }
    let mut right = 0;
    for (group, entities) in &votes {
        let mut count: Vec<(&str, usize)> = Vec::new();
        for e in entities {
            match count.iter_mut().find(|c| c.0 == *e) {
                Some(c) => c.1 += 1,
                None => count.push((e, 1)),
            }
        }
        let best = count.iter().rev().max_by_key(|c| c.1).expect("one vote").0;
        let name = canonical.get(best).map(String::as_str).unwrap_or("");
        let lower = name.to_lowercase();
        let surname = lower.split(' ').next_back() == Some(group);
        if lower == *group || surname {
            right += 1;
        } else if show {
            println!("  canonical {name:?} for lemma {group:?}");
        }
    }
    (right, votes.len())
}

fn show_splits(items: &[(&Span, String)], inflected: &HashSet<String>) {
    let mut by_group: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (g, e) in items.iter().filter(|(g, _)| inflected.contains(&g.group)) {
        let forms = by_group.entry(&g.group).or_default().entry(e).or_default();
        if !forms.contains(&g.text.as_str()) {
            forms.push(&g.text);
        }
    }
    for (group, entities) in by_group.iter().filter(|(_, e)| e.len() > 1) {
        let parts: Vec<String> = entities.values().map(|f| f.join("/")).collect();
        println!("  split {group:?}: {}", parts.join(" | "));
    }
}

/// The article's gold spans with a one-word PER lemma that is the last word
/// of exactly one multi-word PER lemma of the article grouped with it
/// ("sanader" with "ivo sanader"), as a reader groups them.
fn link_surnames(spans: &[Span]) -> Vec<Span> {
    let full: HashSet<&str> = spans
        .iter()
        .filter(|s| s.kind == "PER" && s.group.contains(' '))
        .map(|s| s.group.as_str())
        .collect();
    spans
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if s.kind == "PER" && !s.group.contains(' ') {
                let owners: Vec<&&str> = full
                    .iter()
                    .filter(|f| f.rsplit(' ').next() == Some(s.group.as_str()))
                    .collect();
                if let [one] = owners[..] {
                    s.group = one.to_string();
                }
            }
            s
        })
        .collect()
}

fn show_merges(items: &[(&Span, String)]) {
    let mut by_entity: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (g, e) in items {
        *by_entity.entry(e).or_default().entry(&g.group).or_default() += 1;
    }
    for (entity, groups) in by_entity.iter().filter(|(_, g)| g.len() > 1) {
        println!("  merged in {entity}: {groups:?}");
    }
}

struct Row {
    set: String,
    span: Prf,
    inflected: Prf,
    all: Prf,
    all_linked: Prf,
    canonical: (usize, usize),
}

fn evaluate(
    data: &Path,
    (bin, run_args): (&Path, &[String]),
    work: &Path,
    set: &str,
    show: bool,
    reuse: bool,
) -> Row {
    let (lang, cyrillic) = match set {
        "sr-cyrl" => ("sr", true),
        other => (other, false),
    };
    let articles = load(data, lang, cyrillic);
    let mut docs = Vec::new();
    let mut gold = Vec::new();
    let mut linked = Vec::new();
    for a in &articles {
        let (text, spans) = build(a);
        docs.push((format!("{}.txt", a.id), text));
        linked.extend(link_surnames(&spans));
        gold.extend(spans);
    }
    let (run_mentions, canonical) = run((bin, run_args), &work.join(set), &docs, reuse);
    let items = found(&gold, &run_mentions);
    let inflected = inflected_groups(&items);
    let infl_items: Vec<_> = items
        .iter()
        .filter(|(g, _)| inflected.contains(&g.group))
        .cloned()
        .collect();
    if show {
        println!("{set}:");
        show_span_errors(&gold, &run_mentions);
        show_splits(&items, &inflected);
        show_merges(&items);
    }
    Row {
        set: set.to_string(),
        span: span_prf(&gold, &run_mentions),
        inflected: bcubed(&infl_items),
        all: bcubed(&items),
        all_linked: bcubed(&found(&linked, &run_mentions)),
        canonical: canonical_score(&items, &canonical, show),
    }
}

fn print_table(rows: &[Row]) {
    let head: Vec<&str> = rows.iter().map(|r| r.set.as_str()).collect();
    println!("| measure (dev, whole articles) | {} |", head.join(" | "));
    println!("|---|{}", "---|".repeat(rows.len()));
    let line = |name: &str, f: &dyn Fn(&Row) -> String| {
        let cells: Vec<String> = rows.iter().map(f).collect();
        println!("| {name} | {} |", cells.join(" | "));
    };
    line("span F1 (P / R), exact, PER/ORG/LOC", &|r| r.span.cell());
    line("B-cubed F1 (P / R), inflected names", &|r| {
        r.inflected.cell()
    });
    line("B-cubed F1 (P / R), all found mentions", &|r| r.all.cell());
    line(
        "the same, a surname grouped with the article's one full name",
        &|r| r.all_linked.cell(),
    );
    line(
        "canonical = nominative, single-word names seen inflected",
        &|r| {
            let (a, b) = r.canonical;
            format!("{a} / {b} ({:.0} %)", 100.0 * a as f64 / b.max(1) as f64)
        },
    );
}

fn main() {
    let mut data = PathBuf::from("../shared/datasets");
    let mut bin = PathBuf::from("target/release/nerpipe");
    let mut work = PathBuf::from("target/regional-eval");
    let mut sets = "hr,sr,sr-cyrl".to_string();
    let mut reuse_flag = false;
    let mut run_args: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bin" => bin = args.next().expect("--bin PATH").into(),
            "--work" => work = args.next().expect("--work DIR").into(),
            "--sets" => sets = args.next().expect("--sets LIST"),
            "--reuse" => reuse_flag = true,
            "--" => run_args.extend(args.by_ref()),
            _ => data = a.into(),
        }
    }
    let show = std::env::var("SHOW").is_ok_and(|v| v == "1");
    let reuse = std::mem::take(&mut reuse_flag);
    let rows: Vec<Row> = sets
        .split(',')
        .map(|set| evaluate(&data, (&bin, &run_args), &work, set, show, reuse))
        .collect();
    print_table(&rows);
}
