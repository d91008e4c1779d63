//! `nerpipe eval` on a file in UNER's own format (`# ` comments, columns
//! `index token tag alt -`, OTH mapped to O), scored on a subset of types as
//! the UNER benchmark scores PER/ORG/LOC.

mod common;

use common::{nerpipe, repo};

const UNER: &str = "# sent_id = 1
# text = Policija u Beogradu ispitala je Dijanu Hrkalović zbog Sky ECC poruka.
1\tPolicija\tO\t-\t-
2\tu\tO\t-\t-
3\tBeogradu\tB-LOC\t-\t-
4\tispitala\tO\t-\t-
5\tje\tO\t-\t-
6\tDijanu\tB-PER\t-\t-
7\tHrkalović\tI-PER\t-\t-
8\tzbog\tO\t-\t-
9\tSky\tB-OTH\t-\t-
10\tECC\tI-OTH\t-\t-
11\tporuka\tO\t-\t-
12\t.\tO\t-\t-

";

/// `nerpipe eval` of `file` with the committed `model` at one thread; it
/// must succeed.
fn eval_with(file: &std::path::Path, model: &str, extra: &[&str]) -> std::process::Output {
    let model = repo().join("models").join(model);
    let mut args = vec![
        "eval",
        "--data",
        file.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--threads",
        "1",
    ];
    args.extend_from_slice(extra);
    let o = nerpipe(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn eval(file: &std::path::Path, extra: &[&str]) -> String {
    let extra = [&["--map-type", "OTH=O"], extra].concat();
    let o = eval_with(file, "multilingual-e5-small-ner", &extra);
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn uner_files_are_read_as_they_are_and_scored_on_the_types_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hr-dev.iob2");
    std::fs::write(&file, UNER).unwrap();
    let all = eval(&file, &[]);
    assert!(all.contains(": 1 sentences, 12 tokens,"), "{all}");
    // Beogradu and Dijanu Hrkalović, exactly; OTH is O in the gold.
    assert!(
        all.contains("LOC: P 100.00% R 100.00% F1 100.00  (1 gold, 1 predicted)"),
        "{all}"
    );
    assert!(
        all.contains("PER: P 100.00% R 100.00% F1 100.00  (1 gold, 1 predicted)"),
        "{all}"
    );
    // Scored on PER and LOC only: whatever the model makes of "Sky ECC"
    // (OTH, so O in the gold) leaves gold and prediction alike.
    let some = eval(&file, &["--types", "PER,LOC"]);
    assert!(!some.contains("ORG:") && !some.contains("MISC:"), "{some}");
    assert!(
        some.contains("micro P 100.00% R 100.00% F1 100.00"),
        "{some}"
    );
}

/// `--precision bf16` on a CPU without bf16 instructions runs emulated,
/// about 50× slower than fp32: eval says so on stderr, and only then.
#[test]
fn a_precision_the_cpu_emulates_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hr-dev.iob2");
    std::fs::write(&file, UNER).unwrap();
    let stderr = |precision: &str| {
        let o = eval_with(&file, "conll03-minilm-l6", &["--precision", precision]);
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let warning = "nerpipe: warning: --precision bf16: this CPU has neither AVX512-BF16 nor AMX-BF16, so bf16 is emulated, about 50× slower than fp32; use --precision fp32, or leave --precision out for the CPU's fastest\n";
    let emulated = !nerpipe::model::cpu_has("avx512_bf16") && !nerpipe::model::cpu_has("amx_bf16");
    assert_eq!(stderr("bf16").contains(warning), emulated);
    assert!(!stderr("fp32").contains("warning"));
}

/// Serbian in Cyrillic is read in Latin by default: the model scores its
/// Latin spelling higher. On this sentence it finds "Policijska uprava
/// Čačak" in Latin but only "Чачак" in Cyrillic as written.
#[test]
fn serbian_cyrillic_is_read_in_latin_unless_asked_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sr.iob2");
    let sentence = "Policijska B-ORG\nuprava I-ORG\nČačak I-ORG\nsaopštila O\nje O\nda O\nje O\n\
                    Dragan B-PER\nJović I-PER\nuhapšen O\nna O\nIbarskoj B-LOC\nmagistrali I-LOC\n. O\n\n";
    std::fs::write(&file, sentence).unwrap();
    let fp32 = ["--precision", "fp32"];
    let all_found = "micro P 100.00% R 100.00% F1 100.00";
    let latin = eval(&file, &fp32);
    assert!(latin.contains(all_found), "{latin}");
    let cyrillic = eval(&file, &[&fp32[..], &["--cyrillic"]].concat());
    assert!(cyrillic.contains(all_found), "{cyrillic}");
    let as_written = eval(
        &file,
        &[&fp32[..], &["--cyrillic", "--read-cyrillic", "as-written"]].concat(),
    );
    assert!(
        as_written.contains("ORG: P 0.00% R 0.00% F1 0.00  (1 gold, 1 predicted)"),
        "{as_written}"
    );
}

/// UNER files mark their articles with `# newdoc` (as CoNLL-U does), and
/// eval reads each as a document: here a Russian article, then a Serbian one
/// in Cyrillic. Read as one document, the Russian opening would decide the
/// language and the Serbian sentence would be read as written, where the
/// model misses "Полицијска управа Чачак" (see above); read as its own
/// document it is Serbian, read in Latin, and found.
#[test]
fn uner_newdoc_starts_a_document_with_its_own_language() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sr.iob2");
    let mut text = String::from("# newdoc id = ru.1\n");
    let russian = "Сегодня утром было очень холодно , и весь день шёл сильный снег .";
    for n in 0..24 {
        text.push_str(&format!("# sent_id = ru.1-s{n}\n"));
        for (i, word) in russian.split(' ').enumerate() {
            text.push_str(&format!("{}\t{word}\tO\t-\t-\n", i + 1));
        }
        text.push('\n');
    }
    text.push_str("# newdoc id = sr.1\n# sent_id = sr.1-s1\n");
    let serbian = [
        ("Полицијска", "B-ORG"),
        ("управа", "I-ORG"),
        ("Чачак", "I-ORG"),
        ("саопштила", "O"),
        ("је", "O"),
        ("да", "O"),
        ("је", "O"),
        ("Драган", "B-PER"),
        ("Јовић", "I-PER"),
        ("ухапшен", "O"),
        (".", "O"),
    ];
    for (i, (word, tag)) in serbian.iter().enumerate() {
        text.push_str(&format!("{}\t{word}\t{tag}\t-\t-\n", i + 1));
    }
    std::fs::write(&file, &text).unwrap();
    let scores = eval(&file, &["--precision", "fp32"]);
    assert!(scores.contains(": 25 sentences,"), "{scores}");
    assert!(
        scores.contains("ORG: P 100.00% R 100.00% F1 100.00  (1 gold, 1 predicted)"),
        "{scores}"
    );
    // Without the mark, the file is one Russian document.
    std::fs::write(&file, text.replace("# newdoc id = sr.1\n", "")).unwrap();
    let one_document = eval(&file, &["--precision", "fp32"]);
    assert!(
        one_document.contains("ORG: P 0.00% R 0.00% F1 0.00  (1 gold, 1 predicted)"),
        "{one_document}"
    );
}
