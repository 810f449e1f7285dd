//! Loading fact files into a graph (placeholder until the fact format lands).
use crate::db::Graph;
use crate::error::Result;
use std::path::Path;

/// What a load did.
pub struct LoadReport;
impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("loaded")
    }
}
pub fn load_article(_graph: &Graph) -> Result<LoadReport> {
    Ok(LoadReport)
}
pub fn load_file(_graph: &Graph, _path: &Path) -> Result<LoadReport> {
    Ok(LoadReport)
}
