-- A pick list belongs to the operator who took it from the Pick screen; a list planned in a
-- manager's wave waits with no one until a picker takes it.
ALTER TABLE pick_lists ADD COLUMN taken_by INTEGER REFERENCES operators (id);
CREATE INDEX pick_lists_taken_by ON pick_lists (taken_by) WHERE taken_by IS NOT NULL;
