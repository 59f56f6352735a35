"""Linked data: dumps, the dataset description, and resource pages of the graph's IRIs."""
