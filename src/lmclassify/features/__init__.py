"""Features: the one analyzer definition (word and ``char_wb`` grams with spans) and the feature block kinds."""
