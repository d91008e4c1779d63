//! Resolution benchmark: 1,000,000 synthetic mentions, ~200 per document, drawn
//! Zipf-like from 50,000 entities (people, organisations, places; full names,
//! bare surnames, titles, possessives, acronyms, diacritics dropped).
//!
//! cargo run --release --example bench_resolve [-- --language LANG]
//! (single-threaded; pin with taskset). Every document is lemmatised as
//! LANG (default `hr`: the names inflect, the slowest case) before it is
//! resolved, as `nerpipe run` does.

use nerpipe::doc::{Label, Mention};
use nerpipe::resolve::{lemmatise, resolve_document, EntityTable};
use std::time::{Duration, Instant};

const MENTIONS: usize = 1_000_000;
const PER_DOC: usize = 200;
const ENTITIES: usize = 50_000;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const FIRST: &[&str] = &[
    "Darko",
    "Duško",
    "Veljko",
    "Marko",
    "Nebojša",
    "Dragan",
    "Ivan",
    "Ana",
    "Vesna",
    "Milo",
    "Aleksandar",
    "Zoran",
    "Goran",
    "Jelena",
    "Milica",
    "Đorđe",
    "Nikola",
    "Stefan",
    "Luka",
    "Petar",
    "Miloš",
    "Dejan",
    "Saša",
    "Igor",
    "Amra",
    "Emir",
    "Edin",
    "Gazmend",
    "Arben",
    "Besnik",
    "Ljubiša",
    "Radovan",
    "Slobodan",
    "Tomislav",
    "Željko",
    "Branko",
    "Vladimir",
    "Milorad",
    "Bojan",
    "Srđan",
    "Nenad",
    "Mirjana",
    "Snežana",
    "Dragana",
    "Tijana",
    "Filip",
];
const STEMS: &[&str] = &[
    "Šar",
    "Belivuk",
    "Miljkov",
    "Stefanov",
    "Đur",
    "Per",
    "Il",
    "Hodž",
    "Mark",
    "Novov",
    "Vasiljev",
    "Spaj",
    "Kovač",
    "Petrov",
    "Jovanov",
    "Nikol",
    "Ranković",
    "Babić",
    "Lukić",
    "Đukanov",
    "Vuč",
    "Tad",
    "Brnab",
    "Dačić",
    "Mil",
    "Stojanov",
    "Pavlov",
    "Kneževi",
    "Simić",
    "Radul",
    "Bošnjak",
    "Hasan",
    "Mehmed",
    "Krasnić",
    "Gash",
    "Berish",
    "Thaç",
    "Zec",
    "Vuk",
    "Medved",
    "Kralj",
    "Golub",
    "Orlov",
    "Crnogor",
    "Bijel",
    "Zlat",
    "Sreb",
    "Gvozd",
    "Kamen",
];
const SUFFIX: &[&str] = &["ić", "ović", "ević", "ski", "aj", "i", "in", "ac"];
const TITLES: &[&str] = &["Mr", "Minister", "Prosecutor", "Judge", "Dr.", "President"];
const TOWN_A: &[&str] = &[
    "Novi", "Gornji", "Donji", "Stari", "Veliki", "Mali", "Srpski", "Bosanski", "Crna",
];
const TOWN_B: &[&str] = &[
    "Sad",
    "Vakuf",
    "Brod",
    "Grad",
    "Pazar",
    "Šamac",
    "Bečej",
    "Kneževac",
    "Žabalj",
    "Čačak",
    "Brčko",
    "Tuzla",
    "Nikšić",
    "Bar",
    "Kotor",
    "Prizren",
    "Peć",
    "Đakovica",
    "Ohrid",
    "Štip",
];
const ORG_KIND: &[&str] = &[
    "Police Directorate",
    "Holding",
    "Investigation Agency",
    "Customs Office",
    "Port Authority",
    "Security Agency",
    "Prosecutor's Office",
    "Construction Company",
    "Football Club",
    "Bank",
];

struct Ent {
    label: Label,
    full: String,
    short: Option<String>,
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'š' => 's',
            'Š' => 'S',
            'ć' | 'č' => 'c',
            'Ć' | 'Č' => 'C',
            'ž' => 'z',
            'Ž' => 'Z',
            'đ' => 'd',
            'Đ' => 'D',
            _ => c,
        })
        .collect()
}

fn acronym(full: &str) -> String {
    full.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

fn entities(rng: &mut Rng) -> Vec<Ent> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(ENTITIES);
    while out.len() < ENTITIES {
        let r = rng.below(100);
        let e = if r < 60 {
            let sur = format!("{}{}", rng.pick(STEMS), rng.pick(SUFFIX));
            let full = format!("{} {}", rng.pick(FIRST), sur);
            Ent {
                label: Label::Person,
                full,
                short: Some(sur),
            }
        } else if r < 84 {
            let head = if rng.chance(0.5) {
                format!("{} {}{}", rng.pick(TOWN_A), rng.pick(TOWN_B), rng.below(40))
            } else {
                format!("{}{}", rng.pick(STEMS), rng.pick(SUFFIX))
            };
            let full = format!("{} {}", head, rng.pick(ORG_KIND));
            let ac = acronym(&full);
            Ent {
                label: Label::Organisation,
                full,
                short: Some(ac),
            }
        } else {
            let full = format!(
                "{} {}{}",
                rng.pick(TOWN_A),
                rng.pick(TOWN_B),
                rng.below(200)
            );
            Ent {
                label: Label::Place,
                full,
                short: None,
            }
        };
        if seen.insert(e.full.clone()) {
            out.push(e);
        }
    }
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let language = args
        .iter()
        .position(|a| a == "--language")
        .and_then(|i| args.get(i + 1))
        .map_or("hr", String::as_str);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let ents = entities(&mut rng);
    // Zipf(1) over entities in random rank order.
    let cdf: Vec<f64> = (0..ENTITIES)
        .scan(0.0, |acc, r| {
            *acc += 1.0 / (r as f64 + 1.0);
            Some(*acc)
        })
        .collect();
    let total = cdf[ENTITIES - 1];
    let mut rank: Vec<usize> = (0..ENTITIES).collect();
    for i in (1..ENTITIES).rev() {
        rank.swap(i, rng.below(i + 1));
    }

    let start_all = Instant::now();
    let mut resolve_time = Duration::ZERO;
    let mut table = EntityTable::new();
    let mut made = 0;
    let mut doc_no = 0;
    let mut seen_in_doc = std::collections::HashSet::new();
    while made < MENTIONS {
        let doc_id = format!("corpus/2024/{doc_no:06}.txt");
        doc_no += 1;
        seen_in_doc.clear();
        let n = PER_DOC.min(MENTIONS - made);
        let mut ms = Vec::with_capacity(n);
        for i in 0..n {
            let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
            let e = &ents[rank[cdf.partition_point(|&c| c < u).min(ENTITIES - 1)]];
            let first = seen_in_doc.insert(e.full.as_str());
            let mut label = e.label;
            let mut text = match (e.label, &e.short) {
                (Label::Person, Some(sur)) if !first && rng.chance(0.5) => sur.clone(),
                (Label::Person, _) if rng.chance(0.1) => {
                    format!("{} {}", rng.pick(TITLES), e.full)
                }
                (Label::Organisation, Some(ac)) if rng.chance(0.3) => ac.clone(),
                _ => e.full.clone(),
            };
            if rng.chance(0.1) {
                text = ascii_fold(&text);
            }
            if rng.chance(0.05) {
                text.push_str("'s");
            }
            if rng.chance(0.02) {
                text = text.to_uppercase();
            }
            if e.label == Label::Place && rng.chance(0.05) {
                label = Label::Organisation;
            }
            ms.push(Mention {
                doc_id: doc_id.clone(),
                mention_id: String::new(),
                entity_id: String::new(),
                start: i * 40,
                end: i * 40 + text.chars().count(),
                text,
                label,
                score: 0.5 + (rng.below(50) as f32) / 100.0,
                source: "bench".to_string(),
                context: String::new(),
                amount: None,
                label_votes: None,
                lemma: String::new(),
            });
        }
        made += n;
        let t = Instant::now();
        lemmatise(&mut ms, language);
        let resolved = resolve_document(&ms);
        for (m, r) in ms.iter().zip(&resolved) {
            table.add(m, r);
        }
        resolve_time += t.elapsed();
    }
    let before_finish = peak_rss_kib();
    let t = Instant::now();
    let entities = table.finish();
    resolve_time += t.elapsed();
    let all = start_all.elapsed();
    let aliases: usize = entities.iter().map(|e| e.aliases.len()).sum();
    let doc_refs: usize = entities.iter().map(|e| e.documents.len()).sum();
    println!("language {language}");
    println!(
        "{made} mentions, {doc_no} documents -> {} entities ({aliases} aliases, {doc_refs} entity-document pairs)",
        entities.len()
    );
    println!(
        "peak RSS before finish (table + generator): {:.1} MiB",
        before_finish as f64 / 1024.0
    );
    println!(
        "resolve+table+finish: {:.2} s; with generation: {:.2} s; peak RSS (VmHWM): {:.1} MiB",
        resolve_time.as_secs_f64(),
        all.as_secs_f64(),
        peak_rss_kib() as f64 / 1024.0
    );
}
