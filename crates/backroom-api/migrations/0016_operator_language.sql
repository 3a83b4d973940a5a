-- The language each operator's screens speak: English or Spanish, English unless chosen.
ALTER TABLE operators ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));
