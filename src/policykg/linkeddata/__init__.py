"""Linked data: what an IRI of the graph describes, in RDF and as an HTML page.

:mod:`.describe` holds the stored queries that say what a resource's data is,
:mod:`.iris` maps IRIs to paths on the server and back, :mod:`.conneg` picks the
representation, :mod:`.page` turns a description into what a page shows, and
:mod:`.vocabulary` documents the ontology and the shapes from ``ontology/*.ttl``;
:mod:`.dumps` writes the downloads at build time, listed in their :mod:`.manifest`, and
:mod:`.void` describes the dataset (VoID, DCAT, schema.org).
"""
