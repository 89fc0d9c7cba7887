"""The runtime: load a compiled model and score texts with numpy and C alone (Prediction, scorers, classifier)."""
