-- Stock planning and the weight-audit dashboard.

-- Days from ordering to receiving a product from its supplier, and how much that varies; the
-- store's defaults (settings `planning`) apply where these are empty.
ALTER TABLE products ADD COLUMN lead_time_days    REAL CHECK (lead_time_days IS NULL OR lead_time_days >= 0);
ALTER TABLE products ADD COLUMN lead_time_sd_days REAL CHECK (lead_time_sd_days IS NULL OR lead_time_sd_days >= 0);

-- What a weighing found, in one word, so failures can be counted by cause: item_missing,
-- item_extra, underweight, overweight, offline, out_of_range, unstable, stale, cannot_audit;
-- empty for a pass. Weighings logged before this column existed keep it empty.
ALTER TABLE weighings ADD COLUMN cause_kind TEXT NOT NULL DEFAULT '';

-- Demand history reads order lines by the day their order was placed.
CREATE INDEX orders_placed ON orders (placed_at);
CREATE INDEX movements_kind_at ON movements (kind, at);
