-- 0018_link_model.sql: the linkage model of the registry.
--   link_model   m and u probabilities estimated by EM over the registry (fangai link
--                scan); the duplicate check at registration scores its candidates with
--                the latest one estimated for the same fields
CREATE TABLE link_model (
    id              INTEGER PRIMARY KEY,
    fields          TEXT NOT NULL,               -- name:comparator of each field, in order
    p               REAL NOT NULL,               -- share of matches among the pairs compared
    m               TEXT NOT NULL,               -- JSON: per field, per agreement level
    u               TEXT NOT NULL,               -- JSON: the same for non-matches
    pairs           INTEGER NOT NULL,            -- candidate pairs the estimate came from
    estimated_at    TEXT NOT NULL
);
CREATE INDEX link_model_fields ON link_model(fields, id);
