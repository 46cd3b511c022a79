"""Technology needs (技术需求): SMEs say what they need, centres answer with their listings, and
the portal proposes matches both ways (docs/needs.md)."""
