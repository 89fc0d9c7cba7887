"""The compiled model: its file format (read and write side by side) and the export of a fitted scikit-learn model."""
