"""Text für Sprachmodelle: Tokenizer und Sampling."""
