//! The demo warehouse.

use crate::app::Ctx;
use crate::error::ApiError;
use crate::system::DemoSummary;

pub fn load(_ctx: &mut Ctx<'_>) -> Result<DemoSummary, ApiError> {
    Err(ApiError::invalid("the demo is not built yet"))
}
