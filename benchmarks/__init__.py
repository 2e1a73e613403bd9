"""Benchmarks for rehearse: a labelled corpus of spoken answers, filler accuracy, scoring speed."""
