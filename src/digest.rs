//! Content digests, as lowercase hex: the sha256 that run.json, the OCR
//! cache and the report name files by.

use sha2::{Digest, Sha256};

/// sha256 of `bytes`, 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
