-- A picture per product, shown at pick and pack so a wrong variant is seen before it is
-- packed. `source` is where it comes from (a web address from an import, or a file), `hash`
-- names the cached copy beside the database once it has been read, and `error` says why the
-- last try to read it failed. A product with no row has no picture.
CREATE TABLE product_images (
    product_id   INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    source       TEXT CHECK (source IS NULL OR length(source) BETWEEN 1 AND 2000),
    hash         TEXT CHECK (hash IS NULL OR (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')),
    error        TEXT,
    updated_at   TEXT NOT NULL,
    CHECK (source IS NOT NULL OR hash IS NOT NULL)
);
-- The pictures still to fetch.
CREATE INDEX product_images_waiting ON product_images (product_id)
    WHERE hash IS NULL AND error IS NULL;
