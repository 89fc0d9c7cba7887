"""The accurate tier's sentence encoder: WordPiece tokenizer, ONNX graph check, encoder, and its feature block."""
