//! `make install` into a fresh prefix; the installed binary, run from another
//! folder with no environment variables, finds its libraries and its model
//! and gives the same mentions as the checkout's binary; `make uninstall`
//! leaves the prefix empty.

mod common;
mod services;

use common::{repo, run_corpus};
use std::path::Path;
use std::process::{Command, Output};

/// `make TARGET PREFIX=…` with `CARGO=true`: the binary that cargo test
/// built is the one installed (a nested cargo build would rebuild it without
/// the dev-dependencies' features, minutes for nothing).
fn make(target: &str, prefix: &Path) -> Output {
    let out = Command::new("make")
        .current_dir(repo())
        .arg(target)
        .arg(format!("PREFIX={}", prefix.display()))
        .arg("CARGO=true")
        .output()
        .expect("make runs");
    assert!(
        out.status.success(),
        "make {target} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The installed binary in `dir`, with no environment at all.
fn installed(prefix: &Path, dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(prefix.join("bin/nerpipe"))
        .args(args)
        .env_clear()
        .current_dir(dir)
        .output()
        .expect("the installed binary starts");
    assert!(
        out.status.success(),
        "installed nerpipe {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn installed_nerpipe_runs_from_any_folder_and_uninstalls_cleanly() {
    if services::program("patchelf").is_none() {
        services::missing(
            "patchelf",
            "apt-get install patchelf (scripts/ci-install.sh)",
        );
        return;
    }
    let prefix = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for doc in ["podgorica-minister.txt", "regional/bs-sipa-tuzla.txt"] {
        let name = Path::new(doc).file_name().unwrap();
        std::fs::copy(repo().join("corpus").join(doc), corpus.join(name)).unwrap();
    }
    make("install", prefix.path());
    let share = prefix.path().join("share/nerpipe/models");
    let model = share.join(nerpipe::DEFAULT_MODEL_NAME);

    let version = installed(prefix.path(), work.path(), &["--version"]);
    let sha = std::fs::read_to_string(model.join("model.safetensors.sha256")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!(
            "nerpipe {}\ndefault model: {}\nweights sha256: {}\nfound in: {}\n",
            env!("CARGO_PKG_VERSION"),
            nerpipe::DEFAULT_MODEL_NAME,
            sha.split_whitespace().next().unwrap(),
            model.display()
        )
    );
    let models = installed(prefix.path(), work.path(), &["models"]);
    let listed: Vec<String> = String::from_utf8_lossy(&models.stdout)
        .lines()
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            [cols[0], cols[1], cols[2], cols[4], cols[5]].join(" ")
        })
        .collect();
    assert_eq!(
        listed,
        [
            "name languages labels folder found_in".to_string(),
            format!(
                "conll03-minilm-l6 en MISC,ORGANISATION,PERSON,PLACE {} installed",
                share.join("conll03-minilm-l6").display()
            ),
            format!(
                "multilingual-e5-small-ner en,hr,sr MISC,ORGANISATION,PERSON,PLACE {} installed",
                model.display()
            ),
        ]
    );

    let args = [
        "run",
        "--corpus",
        "corpus",
        "--out",
        "out",
        "--quiet",
        "--no-report",
    ];
    installed(prefix.path(), work.path(), &args);
    let reference = work.path().join("reference");
    run_corpus(&corpus, &reference, &["--no-report"]);
    let mentions = std::fs::read_to_string(work.path().join("out/mentions.csv")).unwrap();
    assert!(mentions.contains(",PLACE,Tuzli,"), "{mentions}");
    assert_eq!(
        mentions,
        std::fs::read_to_string(reference.join("mentions.csv")).unwrap()
    );

    make("uninstall", prefix.path());
    let left: Vec<_> = std::fs::read_dir(prefix.path()).unwrap().collect();
    assert!(left.is_empty(), "left in the prefix: {left:?}");
}
