"""Subcommands that live in their own modules; each module has ``register(subparsers)``."""
