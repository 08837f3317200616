"""Development scripts, and the code they share with the tests (which may import it)."""
