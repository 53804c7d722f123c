"""The `mailwright` command line: the entry point and one module per command. No Qt."""
