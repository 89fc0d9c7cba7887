"""Whole documents: split into units with kinds (heading, lead-in, list item, sentence), classify, report."""
