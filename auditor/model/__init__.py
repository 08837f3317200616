"""The footprint model: energy, emissions, cloud and electricity cost per job, with sources.

``footprint`` installs the shipped factor tables (``auditor.factor_tables``) and the settings
(``auditor.settings``) as temp tables of a store connection and runs the per-job query
``queries/footprint/job.sql``; ``tables`` makes from it what summaries, ``jobs``, ``explain``,
``factors`` and the R&D table return.
"""
