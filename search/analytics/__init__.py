"""Analyses over the index, written once against IndexBackend: compare, breakdowns, top values, ratings, themes."""
