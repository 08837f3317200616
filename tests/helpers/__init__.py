"""What tests of several areas share: paths, readers of a test database, job writers and
scenarios. Test modules import from here, never from conftest or from one another."""
