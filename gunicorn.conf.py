"""gunicorn settings read from the working directory (``make serve-prod`` and the bench run there).

Each worker, once it has loaded the app, searches the index's most frequent words
(``portal.indexing.prewarm``, ``PORTAL_SEARCH_PREWARM_TERMS``) so that its first users do not pay
for a cold start. When a worker exits, the listing views it counted and has not yet written are
written (``portal.listings.views_counter``: ``atexit`` does it too; this hook is the explicit one).
"""


def post_worker_init(worker):
    from flask import Flask

    from portal.indexing.prewarm import prewarm

    app = worker.wsgi
    if isinstance(app, Flask):
        prewarm(app)


def worker_exit(server, worker):
    from flask import Flask

    from portal.listings.views_counter import pending_views

    app = worker.wsgi
    if isinstance(app, Flask):
        pending_views(app).flush_in_context()
