-- 0019_source_record_batch.sql: the records of one import batch, in the order of
-- their targets.  After an import of persons, the duplicate check goes through the
-- persons the batch created a thousand at a time (lib/linkage/registry.c,
-- fg_link_check_import): each step reads the next ones from this index instead of
-- every source record of the registry.
CREATE INDEX source_record_batch ON source_record(batch_id, target_id);
