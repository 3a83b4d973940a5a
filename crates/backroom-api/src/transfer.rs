//! CSV import and export.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::Ctx;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Products,
    Orders,
    Stock,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ImportRequest {
    pub table: Table,
    /// The file's text.
    pub csv: String,
    /// Check every row and report, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RowError {
    /// Line in the file, 1-based, the header being line 1.
    pub line: u64,
    /// The column at fault, by its header name, when one is.
    pub column: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportReport {
    /// True when every row was valid and (unless a dry run) written.
    pub ok: bool,
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportRequest {
    pub table: Table,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportFile {
    pub filename: String,
    pub csv: String,
}

pub fn import_csv(_ctx: &mut Ctx<'_>, _req: ImportRequest) -> Result<ImportReport, ApiError> {
    Err(ApiError::invalid("import is not built yet"))
}

pub fn export_csv(_ctx: &mut Ctx<'_>, _req: ExportRequest) -> Result<ExportFile, ApiError> {
    Err(ApiError::invalid("export is not built yet"))
}
