"""One module or one table at a time: settings, factors, the footprint model, output formats,
GPU names, the public API, and the checks on the code base itself (layers, docs, layout)."""
