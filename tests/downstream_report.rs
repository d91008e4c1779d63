//! The review report: structure and escaping always; rendering, highlighting
//! and script safety in headless Chromium (found with `command -v`; required
//! under CI, see tests/services).
mod fake_run;
mod services;

use services::run_chromium as chromium;
use std::path::PathBuf;

/// The value of attribute `name` in a start tag's source.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

/// Start tags in `html` that have attribute `name`, in document order.
fn tags_with(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let open = rest[..at].rfind('<').expect("inside a tag");
        let close = at + rest[at..].find('>').expect("tag end");
        tags.push(rest[open..=close].to_string());
        rest = &rest[close..];
    }
    tags
}

fn report_dir(run: &fake_run::FakeRun) -> PathBuf {
    nerpipe::sink::report::write_report(&run.out).unwrap();
    run.out.join("report")
}

/// The mentions of document `doc` in the order the page shows them.
fn expected(run: &fake_run::FakeRun, doc: usize) -> Vec<(String, String)> {
    let id = &run.documents[doc].0;
    let mut ms: Vec<_> = run.mentions.iter().filter(|m| &m.doc_id == id).collect();
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    ms.iter()
        .map(|m| (m.mention_id.clone(), m.label.to_string()))
        .collect()
}

#[test]
fn report_files_are_split_and_escaped() {
    let run = fake_run::fake_run();
    let dir = report_dir(&run);
    for f in [
        "index.html",
        "data/entities-0001.js",
        "entities/0001.html",
        "docs/1.html",
        "docs/2.html",
        "docs/3.html",
        "docs/list-0001.html",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert!(
        !dir.join("docs/4.html").exists(),
        "the failed document has no page"
    );
    let page = std::fs::read_to_string(dir.join("docs/2.html")).unwrap();
    assert!(
        !page.contains("<script>alert"),
        "unescaped script in the page"
    );
    assert!(!page.contains("<img"), "unescaped img in the page");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let tags = tags_with(&page, "data-mention");
    let got: Vec<(String, String)> = tags
        .iter()
        .map(|t| {
            (
                attribute(t, "data-mention").unwrap(),
                attribute(t, "data-label").unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected(&run, 1));
    // Every mention links to its entity; every entity links back to its mentions.
    assert!(page.contains("href=\"../entities/0001.html#e"));
    let entities = std::fs::read_to_string(dir.join("entities/0001.html")).unwrap();
    assert!(entities.contains("href=\"../docs/2.html#m0\""));
    let list = std::fs::read_to_string(dir.join("docs/list-0001.html")).unwrap();
    assert!(list.contains("empty document"));
    for entry in std::fs::read_dir(dir.join("docs")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
            "{name}"
        );
    }
    // Written again: replaced, no temporary folders left.
    nerpipe::sink::report::write_report(&run.out).unwrap();
    let stray: Vec<_> = std::fs::read_dir(&run.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".report"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn report_renders_in_chromium() {
    let Some(bin) = services::chromium() else {
        return;
    };
    let run = fake_run::fake_run();
    let dir = report_dir(&run);
    let profile = tempfile::tempdir().unwrap();

    // Document 2 holds `<script>alert(1)</script>` and an onerror handler.
    let page = dir.join("docs/2.html");
    let dom = chromium(&bin, profile.path(), &["--dump-dom"], &page);
    let tags = tags_with(&dom, "data-mention");
    let got: Vec<(String, String)> = tags
        .iter()
        .map(|t| {
            (
                attribute(t, "data-mention").unwrap(),
                attribute(t, "data-label").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        expected(&run, 1),
        "highlighted mentions in the rendered DOM"
    );
    assert!(tags
        .iter()
        .all(|t| t.starts_with("<mark ") && attribute(t, "data-entity").is_some()));
    assert!(
        !dom.contains("<title>PWNED</title>"),
        "the injected handler ran"
    );
    assert!(!dom.contains("<script"), "a script element reached the DOM");
    assert!(!dom.contains("<img"), "an img element reached the DOM");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the script is not shown as text"
    );
    assert!(dom.contains("Šarić"));

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("doc-2.png");
    let _ = std::fs::remove_file(&shot);
    chromium(
        &bin,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,900",
            "--hide-scrollbars",
        ],
        &page,
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot looks empty"
    );
    println!("screenshot: {}", shot.display());

    // The index runs its script and shows every entity (they fit one page).
    let dom = chromium(
        &bin,
        profile.path(),
        &["--dump-dom"],
        &dir.join("index.html"),
    );
    let rows = tags_with(&dom, "data-entity");
    assert_eq!(
        rows.len(),
        run.entities.len(),
        "entity rows in the rendered table"
    );
    assert!(dom.contains("1–13 of 13"), "pager text");
    assert!(
        dom.contains("&lt;script&gt;"),
        "entity text escaped in the table"
    );
    let index_shot = shots.join("index.png");
    chromium(
        &bin,
        profile.path(),
        &[
            &format!("--screenshot={}", index_shot.display()),
            "--window-size=1200,900",
            "--hide-scrollbars",
        ],
        &dir.join("index.html"),
    );
    println!("screenshot: {}", index_shot.display());
}
