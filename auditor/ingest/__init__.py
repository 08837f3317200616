"""Importers: a source in, canonical job rows (auditor.schema.JOB_SCHEMA) out.

One module per source (``slurm``, ``csv_log``, ``mlflow``); what they share and return is in
``base``. Importers never write to the database; ``auditor.store.Store.ingest`` does.
"""
