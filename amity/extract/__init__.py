"""Pure-Python extraction engine. Must never import Django.

A pipeline of small stages, each its own module, data as plain files under ``data/``:

    reader      files -> text (.txt any encoding with fallbacks, .html via trafilatura, .pdf, .docx);
                ReadError with a one-line reason
    normalize   NFC, one space, ``fold`` (comparison key) and ``fold_aligned`` (same length: offsets stay)
    lang        "en" / "vi" (with or without diacritics)
    sentences   sentence spans
    gazetteer   countries, demonyms, organisations, places, titles, persons in one Aho-Corasick
                automaton over folded text; packaged TSV + reference CSV + database snapshot
    dates, money, numbers, figures
                dates at the precision given, normalised amounts, other numeric facts
    orgphrases, entities
                organisations by pattern (friendship associations, provincial unions, embassies...)
                and by shape (head nouns), countries named
    persons     title + name, Vietnamese family-name rule
    events      trigger words -> typed events with date, place and participants
    pipeline    ``extract(text, date=None, lang=None) -> dict`` and ``extract_file(path)``
    cli         ``amity extract FILE... --json`` / ``python -m amity.extract``
"""
