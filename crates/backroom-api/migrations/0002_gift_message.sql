-- A gift message from the buyer, printed on the packing slip instead of prices.
ALTER TABLE orders ADD COLUMN gift_message TEXT NOT NULL DEFAULT '';
