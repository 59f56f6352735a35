"""From sources to a validated dataset: reading sources, SHACL shapes, the build, exports."""
