-- 0003_registry.sql: the cancer registry's tumour records.
--
-- The tumour table of 0001 gains the staging context and the source document;
-- tumour_finding keeps the warnings the IARC/IACR checks raised when a tumour
-- was saved (errors refuse the save, so they are never stored), and who
-- confirmed each, when and why.

ALTER TABLE tumour ADD COLUMN tnm_context TEXT
    CHECK (tnm_context IS NULL OR tnm_context IN ('clinical', 'pathological'));
ALTER TABLE tumour ADD COLUMN source TEXT;          -- source document (pathology report number ...)

CREATE TABLE tumour_finding (
    id              INTEGER PRIMARY KEY,
    district        TEXT NOT NULL,
    tumour_id       INTEGER NOT NULL REFERENCES tumour(id),
    institution_id  INTEGER NOT NULL REFERENCES institution(id),
    code            TEXT NOT NULL,               -- the check, e.g. site.histology
    level           TEXT NOT NULL CHECK (level IN ('warning')),
    field           TEXT,
    message         TEXT NOT NULL,
    confirmed_by    TEXT,                        -- user name of the registrar
    confirmed_at    TEXT,                        -- UTC ISO-8601
    reason          TEXT,
    CHECK ((confirmed_by IS NULL AND confirmed_at IS NULL AND reason IS NULL) OR
           (confirmed_by IS NOT NULL AND confirmed_at IS NOT NULL AND reason IS NOT NULL))
);
CREATE INDEX tumour_finding_tumour ON tumour_finding(tumour_id);
CREATE INDEX tumour_finding_open ON tumour_finding(institution_id) WHERE confirmed_at IS NULL;
