"""Training: the scikit-learn estimator, calibration, the training run and model selection."""
