"""RSS 2.0 and Atom 1.0 feeds of new listings (订阅): ``serialize`` turns rows into bytes, ``cache``
keeps an unchanged feed from being rebuilt and answers conditional requests, ``views`` is the route."""
