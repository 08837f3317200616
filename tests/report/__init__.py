"""Reports: rnd-table, explain and factors through the library, and ``auditor report``."""
