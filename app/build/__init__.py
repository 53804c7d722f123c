"""From a document to the email a recipient gets: the pipeline, MJML rendering, merge-tag tokens, CSS inlining, markup cleaning, plain text, limits, personalisation and preview variants. No Qt."""
