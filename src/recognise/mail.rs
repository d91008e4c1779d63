//! The names a document's source marks itself: a mail's From/To/Cc display
//! names ([`crate::doc::Document::marked_spans`]), taken as they are.

use super::{Recogniser, Segmented};
use crate::doc::Span;

/// The marked names of each document, score 1.
pub struct MailHeaders;

impl Recogniser for MailHeaders {
    fn recognise(&self, documents: &[Segmented<'_>]) -> Vec<Vec<Span>> {
        documents
            .iter()
            .map(|d| d.document.marked_spans.clone())
            .collect()
    }
}
