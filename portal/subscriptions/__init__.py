"""Saved searches and their digests (issue 17): a user keeps the search page's query and filters
under a name, and is told of new listings that match — by feed, notification or e-mail."""
