"""The application: the ``earful`` command, its subcommands, the demo, and which services each process runs."""
