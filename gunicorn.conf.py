"""gunicorn settings read from the working directory (``make serve-prod`` and the bench run there).

Each worker, once it has loaded the app, searches the index's most frequent words
(``portal.indexing.prewarm``, ``PORTAL_SEARCH_PREWARM_TERMS``) so that its first users do not pay
for a cold start.
"""


def post_worker_init(worker):
    from flask import Flask

    from portal.indexing.prewarm import prewarm

    app = worker.wsgi
    if isinstance(app, Flask):
        prewarm(app)
