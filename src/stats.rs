//! Statistics (not built yet).
