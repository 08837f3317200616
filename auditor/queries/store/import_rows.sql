-- Creates the temp view `import_rows`: the canonical rows of {{relation}} as the importer
-- grouped them.
CREATE OR REPLACE TEMP VIEW import_rows AS
FROM {{relation}}
