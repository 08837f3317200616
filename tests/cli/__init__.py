"""The command line through typer's CliRunner, its golden files, and the bench script."""
