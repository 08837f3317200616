"""Importers and the store: Slurm dumps, CSV logs, MLflow stores, the ledger of ingests."""
