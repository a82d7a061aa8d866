"""Processing and scheduling: normalize, match brands, detect language, score, dedupe, index."""
