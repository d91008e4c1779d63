//! Recognise: the stages that find mentions in a document. The transformer
//! model finds people, organisations, places and MISC.

pub mod decode;
pub mod transformer;
