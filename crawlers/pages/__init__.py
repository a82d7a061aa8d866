"""Reading web pages, shared by the review and web sources: schema.org markup, selectors, next pages, dates."""
