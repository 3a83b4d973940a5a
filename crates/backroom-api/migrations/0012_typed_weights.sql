-- A weight typed at a bench whose watched scale was offline stands only with a manager's
-- approval: who approved it and why are kept on the weighing, apart from an override (which
-- packs an order over a verdict) because here the verdict itself rests on the typed number.
ALTER TABLE weighings ADD COLUMN typed_by INTEGER REFERENCES operators (id);
ALTER TABLE weighings ADD COLUMN typed_reason TEXT;
