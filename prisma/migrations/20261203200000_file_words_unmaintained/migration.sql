-- Search answers from each node's in-memory index (docs/architecture.md, "Search"), built from
-- shared_files.words; the server no longer writes or reads file_words. Its rows stopped being kept
-- current, so they are dropped here. The table itself stays for the benchmark's reference of the
-- former SQL search (bench/search seeds it); a later migration drops it with that reference.
TRUNCATE file_words;
