"""The merge policy of every index commit that merges: a bounded number of segments.

Each commit of the following writer adds a small segment, and every segment costs every query
(the postings of each term are looked up per segment). Whoosh's ``MERGE_SMALL`` merges about five
of them at a time, so a burst of publishes left dozens behind. Here, in one commit:

* every segment with fewer than ``SMALL_DOCS`` documents (counting deleted ones) is merged into
  one — cheap, since they are small; and
* if more than ``MAX_SEGMENTS`` would remain, the smallest of the others are merged in too, so
  the index never holds more than a handful of segments, whatever its history.
"""

from __future__ import annotations

from whoosh.reading import SegmentReader

SMALL_DOCS = 2_000
MAX_SEGMENTS = 6


def merge_segments(writer, segments: list) -> list:
    """A Whoosh merge policy (``writer.commit(mergetype=…)``): add the segments chosen above to
    ``writer`` and return the ones kept as they are."""
    chosen = [s for s in segments if s.doc_count_all() < SMALL_DOCS]
    if len(chosen) < 2:
        chosen = []
    kept = sorted((s for s in segments if s not in chosen), key=lambda s: s.doc_count_all())
    while kept and len(kept) + (1 if chosen else 0) + 1 > MAX_SEGMENTS:  # + 1: the commit's own new segment
        chosen.append(kept.pop(0))
    if len(chosen) < 2:
        return segments
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept
