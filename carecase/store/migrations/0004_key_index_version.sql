-- Which version of the engine's profile_keys the customers' blocking keys were written
-- by. When the engine derives other keys (identity.KEYS_VERSION), opening the database
-- writes every customer's keys anew (engine.reindex_keys), so a customer nobody wrote
-- about since is still found by the new keys. Version 2 is what was written before.
CREATE TABLE key_index (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL
);
INSERT INTO key_index (version) VALUES (2);
