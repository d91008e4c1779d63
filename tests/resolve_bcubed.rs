//! B-cubed precision and recall of entity resolution against a hand-made gold
//! set (tests/data/resolve_gold.tsv, written by scripts/make_resolve_gold.py).

use nerpipe::doc::{Label, Mention};
use nerpipe::resolve::{resolve_document, EntityTable};
use std::collections::HashMap;
use std::path::Path;

struct Gold {
    mention: Mention,
    cluster: String,
}

fn load() -> Vec<Vec<Gold>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let tsv = std::fs::read_to_string(root.join("resolve_gold.tsv")).unwrap();
    let mut docs: Vec<Vec<Gold>> = Vec::new();
    let mut texts: HashMap<String, Vec<char>> = HashMap::new();
    for line in tsv.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "bad row: {line}");
        let (doc, start, end) = (f[0], f[1].parse().unwrap(), f[2].parse().unwrap());
        let text = texts.entry(doc.to_string()).or_insert_with(|| {
            let p = root.join("resolve_docs").join(format!("{doc}.txt"));
            std::fs::read_to_string(p).unwrap().chars().collect()
        });
        let slice: String = text[start..end].iter().collect();
        assert_eq!(slice, f[4], "offsets of {line}");
        let mention = Mention {
            doc_id: doc.to_string(),
            mention_id: String::new(),
            entity_id: String::new(),
            start,
            end,
            text: f[4].to_string(),
            label: Label::parse(f[3]).unwrap(),
            score: 0.9,
            source: "gold".to_string(),
            context: String::new(),
            amount: None,
            label_votes: None,
            lemma: String::new(),
        };
        let g = Gold {
            mention,
            cluster: f[5].to_string(),
        };
        match docs.last_mut() {
            Some(d) if d[0].mention.doc_id == doc => d.push(g),
            _ => docs.push(vec![g]),
        }
    }
    for d in &mut docs {
        d.sort_by_key(|g| g.mention.start);
    }
    docs
}

/// Mean over mentions of |sys ∩ gold| / |sys| and / |gold|.
fn bcubed(pairs: &[(String, String)]) -> (f64, f64) {
    let mut both: HashMap<(&str, &str), usize> = HashMap::new();
    let mut sys: HashMap<&str, usize> = HashMap::new();
    let mut gold: HashMap<&str, usize> = HashMap::new();
    for (s, g) in pairs {
        *both.entry((s, g)).or_default() += 1;
        *sys.entry(s).or_default() += 1;
        *gold.entry(g).or_default() += 1;
    }
    let n = pairs.len() as f64;
    let (mut p, mut r) = (0.0, 0.0);
    for (s, g) in pairs {
        let c = both[&(s.as_str(), g.as_str())] as f64;
        p += c / sys[s.as_str()] as f64;
        r += c / gold[g.as_str()] as f64;
    }
    (p / n, r / n)
}

#[test]
fn bcubed_against_gold() {
    let docs = load();
    let total: usize = docs.iter().map(Vec::len).sum();
    assert_eq!(
        (docs.len(), total),
        (8, 110),
        "documents and mentions of the gold set"
    );

    let mut table = EntityTable::new();
    let mut pairs = Vec::new();
    for doc in &docs {
        let mentions: Vec<Mention> = doc.iter().map(|g| g.mention.clone()).collect();
        let resolved = resolve_document(&mentions);
        assert_eq!(resolved.len(), mentions.len());
        for ((m, r), g) in mentions.iter().zip(&resolved).zip(doc) {
            table.add(m, r);
            pairs.push((r.entity_id.clone(), g.cluster.clone()));
        }
    }
    let entities = table.finish();
    for e in &entities {
        println!(
            "{:<45} {:<12} {:<42} n={} docs={} others={:?}",
            e.id,
            e.label,
            e.canonical,
            e.mention_count,
            e.documents.len(),
            e.other_labels
        );
    }
    let counted: usize = entities.iter().map(|e| e.mention_count).sum();
    assert_eq!(counted, total);
    assert_eq!(entities.len(), 44);

    let (p, r) = bcubed(&pairs);
    println!("B-cubed over {total} mentions: precision {p:.4} recall {r:.4}");
    // Pinned: a change to resolution shows here; update the figures when it
    // is meant (a wrong merge costs precision, a missed one recall).
    assert_eq!(
        (format!("{p:.4}"), format!("{r:.4}")),
        ("1.0000".to_string(), "0.9111".to_string()),
        "B-cubed precision and recall"
    );
}

#[test]
fn bcubed_of_known_partitions() {
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        bcubed(&pairs(&[("a", "x"), ("a", "x"), ("b", "y")])),
        (1.0, 1.0)
    );
    // One system cluster over two gold clusters of one each: P = 1/2, R = 1.
    assert_eq!(bcubed(&pairs(&[("a", "x"), ("a", "y")])), (0.5, 1.0));
}
