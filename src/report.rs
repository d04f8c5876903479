//! The framing report (not built yet).
