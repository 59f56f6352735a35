"""SPARQL: named queries, the safety scan, result serialisation, bounded lookups."""
