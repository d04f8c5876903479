//! Decoding (placeholder until the ingest work lands): UTF-8 only.

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Why a file could not be read as text; the message is the one-line skip reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let text = std::str::from_utf8(bytes).map_err(|e| DecodeError(format!("not UTF-8: {e}")))?;
    Ok(Decoded {
        text: text.replace("\r\n", "\n"),
        encoding: "UTF-8",
    })
}
