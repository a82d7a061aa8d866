"""Spike alerts, detection half: series, expected band, detectors, incidents, and their evaluation.

Pure computation (no index, no state store): callers hand in counts per bucket and get incidents.
"""
