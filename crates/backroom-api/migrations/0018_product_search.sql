-- Finding a product by any part of its SKU or name without reading every product: an index of
-- the three-letter runs in both, with their positions, so a run of text is found where it
-- stands. It is kept in step with the products table by triggers and holds no text of its own
-- (the products table is its content).
CREATE VIRTUAL TABLE product_search USING fts5(
    sku, name, content = 'products', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO product_search (product_search) VALUES ('rebuild');

CREATE TRIGGER product_search_insert AFTER INSERT ON products
BEGIN
    INSERT INTO product_search (rowid, sku, name) VALUES (NEW.id, NEW.sku, NEW.name);
END;
CREATE TRIGGER product_search_delete AFTER DELETE ON products
BEGIN
    INSERT INTO product_search (product_search, rowid, sku, name)
    VALUES ('delete', OLD.id, OLD.sku, OLD.name);
END;
CREATE TRIGGER product_search_update AFTER UPDATE OF sku, name ON products
BEGIN
    INSERT INTO product_search (product_search, rowid, sku, name)
    VALUES ('delete', OLD.id, OLD.sku, OLD.name);
    INSERT INTO product_search (rowid, sku, name) VALUES (NEW.id, NEW.sku, NEW.name);
END;
