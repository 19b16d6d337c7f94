"""Building an edition: parameters, staging, executing notebooks, Jupyter Book, publishing, the
whole pipeline, the PDF and verifying a published edition by rebuilding it."""
