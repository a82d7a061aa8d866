"""Alert rules, incidents and where they are kept: what the evaluator, the API and the CLI share."""
