"""Full-text search over claims, entities, terms and sources, built with the store.

``policykg build`` writes a Tantivy index beside each store (``dist/stores/<digest>`` and
``dist/stores/<digest>.search-v1``) before it switches the ``dist/store`` link, so the index
found through the link always belongs to the store it points at (:mod:`policykg.search.index`).

What is indexed (:mod:`policykg.search.documents`): claim quotes and notes, and the names of
their speakers; the labels and alternative labels of every entity and term, in every
language; source titles. Each text is analysed by its literal's language tag
(:mod:`policykg.search.analysis`): folded to lower case without accents in a field every
language shares, and stemmed by the Snowball stemmer of its language (Dutch, German, English)
in that language's own field, so "gebruiker" finds "gebruikers" in Dutch text and a German
stem never matches English text. Queries (:mod:`policykg.search.query`) take words, "quoted
phrases", prefixes (``opt*``), ``-excluded`` words and ``OR``; hits are ranked by BM25 and
carry the spans of the words they matched (:mod:`policykg.search.searcher`).

Why Tantivy rather than SQLite FTS5: measured on this machine (2 shared cores) with 100,000
synthetic quotes in three languages, Tantivy (PyPI ``tantivy`` 0.27, its own Snowball
stemmers, lower-case and ASCII-folding filters) built the index in 7.6 s and answered a
one-word query in 0.4 ms (median; 15 ms worst). SQLite FTS5 (``unicode61
remove_diacritics 2``) with the stems computed in Python by ``snowballstemmer`` into one
column per language took 474 s to build and 80 ms (median; 375 ms worst) to answer the same
queries (an OR over the plain and the three stemmed columns), and would have needed the
stemmers and the highlighting written on our side. (That comparison was a one-off script;
``benchmarks/search.py`` times the index against the SPARQL substring scan.)
"""

from policykg.search.searcher import Hit, search

__all__ = ["Hit", "search"]
