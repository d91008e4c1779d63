use super::*;

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/corpus/reports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn dump_samples() {
    let p = pdf::extract(&sample("brcko-fuel-corridor.pdf"));
    eprintln!("PDF {:#?}", p);
    let d = office::extract(&sample("ploce-terminal-payments.docx"));
    eprintln!("DOCX {:#?}", d);
}
