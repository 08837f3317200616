"""The footprint model: energy, emissions, cloud and electricity cost per job, with sources.

``factors`` holds the shipped factor tables (``data/*.csv``); ``footprint`` installs them and
the settings (``auditor.settings``) as temp tables of a store connection and runs the per-job
query ``queries/job_footprint.sql``; summaries, ``explain`` and the R&D table read from it.
"""
